export { endGatheringAsBrowsersDo } from './webrtc-gathering.js'
