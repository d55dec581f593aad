/** What the tracker benchmark tells its load-generator processes, and what they report back. */
export type WorkerCommand =
  | { type: 'connect'; url: string; infoHashes: string[]; count: number; firstIndex: number; localAddress: string }
  | { type: 'steady'; durationMs: number; intervalMs: number; offers: number }
  | { type: 'burst'; offers: number }
  | { type: 'closed-loop'; count: number; durationMs: number; offers: number }
  | { type: 'open' }
  | { type: 'exit' }

export type WorkerReport =
  | { type: 'ready' }
  | { type: 'connected'; failed: number }
  | { type: 'latencies'; latencies: number[]; failures: number }
  | { type: 'throughput'; announces: number; offersReceived: number }
  | { type: 'open'; count: number }
