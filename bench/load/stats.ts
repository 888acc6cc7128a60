/** What one side of a comparison measured: latencies of the requests that succeeded, throughput, failures. */
export interface LoadResult {
  /** Successful requests (or runs of the statements) in the measured window. */
  completed: number;
  /** Requests that failed: connection errors, timeouts, thrown errors. */
  errors: number;
  /** Responses with a status the operation does not expect, by status. */
  unexpected: Record<string, number>;
  p50: number;
  p95: number;
  /** Successful requests per second. */
  rps: number;
  seconds: number;
  concurrency: number;
}

/** The q-th quantile by nearest rank, in ms; NaN when nothing was measured. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

export function summarise(latencies: number[], seconds: number, errors: number, unexpected: Record<string, number>, concurrency: number): LoadResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    completed: sorted.length, errors, unexpected, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95),
    rps: seconds > 0 ? sorted.length / seconds : 0, seconds, concurrency,
  };
}
