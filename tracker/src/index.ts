export { DEFAULT_PORT, parseServerConfig, type ServerConfig } from './config.js'
export { SwarmdropServer, type ListeningAddress } from './server.js'
