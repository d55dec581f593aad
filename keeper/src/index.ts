export { Keeper, parseKeeperConfig, type KeeperConfig, type KeepRequest } from './keeper.js'
export { createKeeperApi } from './api.js'
