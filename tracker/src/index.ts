export { DEFAULT_PORT, localServerConfig, parseServerConfig, type ServerConfig, type TurnConfig } from './config.js'
export { CoturnProcess, findExecutable, generateTurnSecret, type CoturnOptions } from './turn/coturn.js'
export { createTurnCredentials } from './turn/credentials.js'
export { SwarmdropServer, type ListeningAddress } from './server.js'
