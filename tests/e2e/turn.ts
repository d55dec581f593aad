import { CoturnProcess, findExecutable, generateTurnSecret } from '@swarmdrop/tracker'
import type { TurnConfig } from '@swarmdrop/tracker'

/**
 * A real coturn on 127.0.0.1 for one test worker: its own listening port and relay range, loopback
 * peers allowed (tests only; never in production).
 */
export async function startTestCoturn(
  workerIndex: number,
): Promise<{ coturn: CoturnProcess; turn: TurnConfig; port: number }> {
  const binary = findExecutable('turnserver')
  if (!binary) throw new Error('coturn is not installed: run scripts/install-system-deps.sh')
  const port = 34_780 + workerIndex
  const relayLow = 50_000 + workerIndex * 200
  const secret = generateTurnSecret()
  const coturn = new CoturnProcess({
    binary,
    listeningPort: port,
    listeningIp: '127.0.0.1',
    relayPortRange: [relayLow, relayLow + 199],
    realm: 'swarmdrop-test',
    secret,
    allowLoopbackPeers: true,
  })
  const ready = new Promise<void>((resolve) =>
    coturn.on('log', (line: string) => /listener opened|Total General servers/i.test(line) && resolve()),
  )
  await coturn.start()
  await Promise.race([ready, new Promise((resolve) => setTimeout(resolve, 2_000))])
  return { coturn, port, turn: { urls: [`turn:127.0.0.1:${port}?transport=udp`], secret, ttlS: 3600 } }
}
