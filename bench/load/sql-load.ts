/**
 * The same work done directly in SQL: `workers` simulated users, each on its own connection,
 * each running the operation's statements again as soon as the last run finished, for the same
 * warm-up and window as the HTTP side. On PGlite there is one connection: runs take turns.
 */
import { summarise, type LoadResult } from './stats.ts';
import type { SqlWorker } from '../plain-sql/run-sql.ts';

export interface SqlLoadOptions {
  workers: readonly SqlWorker[];
  duration: number;
  warmup: number;
  run: (worker: SqlWorker, n: number) => Promise<void>;
  /** One run at a time (PGlite). */
  exclusive?: boolean;
}

export async function sqlLoad(options: SqlLoadOptions): Promise<LoadResult> {
  let n = 0;
  let queue: Promise<unknown> = Promise.resolve();
  const once = (worker: SqlWorker) => {
    const k = n++;
    if (!options.exclusive) return options.run(worker, k);
    const turn = queue.then(() => options.run(worker, k));
    queue = turn.catch(() => undefined);
    return turn;
  };
  const window = async (seconds: number) => {
    const latencies: number[] = [];
    let errors = 0;
    let firstError: unknown;
    const started = performance.now();
    const ends = started + seconds * 1000;
    await Promise.all(options.workers.map(async (worker) => {
      while (performance.now() < ends) {
        const t = performance.now();
        try {
          await once(worker);
          latencies.push(performance.now() - t);
        } catch (error) {
          errors++;
          firstError ??= error;
        }
      }
    }));
    if (errors > 0 && latencies.length === 0) throw firstError;
    return { latencies, errors, elapsed: (performance.now() - started) / 1000 };
  };
  if (options.warmup > 0) await window(options.warmup);
  const measured = await window(options.duration);
  return summarise(measured.latencies, measured.elapsed, measured.errors, {}, options.workers.length);
}
