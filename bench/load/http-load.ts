/**
 * HTTP load with autocannon at a fixed number of connections: a warm-up, then a measured window.
 * Every response's time is kept (autocannon's own histogram has no 95th percentile), and only
 * responses with an expected status count towards latency and throughput.
 *
 * autocannon runs in this process, on its event loop, not in worker threads: the requests are
 * built per call (rotating fixtures) and the per-response times are needed, and at the rates
 * this 2-core machine reaches one thread is enough to drive it (its CPU use is part of the
 * machine's load, as it would be on any client).
 */
import autocannon from 'autocannon';
import { VIA_PROXY } from './browser.ts';
import { summarise, type LoadResult } from './stats.ts';
import type { HttpRequest } from '../operations.ts';

export interface HttpLoadOptions {
  baseUrl: string;
  connections: number;
  /** Seconds measured. */
  duration: number;
  /** Seconds of load before measuring. */
  warmup: number;
  expect: readonly number[];
  next: (n: number) => HttpRequest;
  /** Seconds before a request counts as failed. */
  timeout?: number;
}

async function burst(options: HttpLoadOptions, seconds: number, counter: { n: number }): Promise<{ latencies: number[]; errors: number; unexpected: Record<string, number>; elapsed: number }> {
  const latencies: number[] = [];
  const unexpected: Record<string, number> = {};
  let errors = 0;
  const started = performance.now();
  const instance = autocannon({
    url: options.baseUrl,
    connections: options.connections,
    duration: seconds,
    timeout: options.timeout ?? 60,
    requests: [{
      setupRequest: (request) => {
        const next = options.next(counter.n++);
        return { ...request, method: next.method, path: next.path, headers: { ...VIA_PROXY, ...next.headers }, body: next.body };
      },
    }],
  }, () => undefined);
  instance.on('response', (_client, status, _bytes, time) => {
    if (options.expect.includes(status)) latencies.push(time);
    else unexpected[status] = (unexpected[status] ?? 0) + 1;
  });
  instance.on('reqError', () => {
    errors++;
  });
  await new Promise<void>((resolve, reject) => {
    instance.on('done', () => resolve());
    instance.on('error', reject);
  });
  return { latencies, errors, unexpected, elapsed: (performance.now() - started) / 1000 };
}

export async function httpLoad(options: HttpLoadOptions): Promise<LoadResult> {
  const counter = { n: 0 };
  if (options.warmup > 0) await burst(options, options.warmup, counter);
  const measured = await burst(options, options.duration, counter);
  return summarise(measured.latencies, Math.min(measured.elapsed, options.duration) || options.duration, measured.errors, measured.unexpected, options.connections);
}
