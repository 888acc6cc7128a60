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
  /** The n-th request, made by connection `user` (numbered from 0 as connections first send). */
  next: (n: number, user: number) => HttpRequest;
  /** Seconds before a request counts as failed. */
  timeout?: number;
  /** Requests per second from all connections together (an open loop); unset: each connection sends again as soon as it has its answer. */
  overallRate?: number;
}

/**
 * One continuous run of warm-up + measured seconds: responses that arrive in the warm-up are not
 * counted. (Two separate runs would leave the warm-up's queued requests competing with the
 * measured ones.)
 */
export async function httpLoad(options: HttpLoadOptions): Promise<LoadResult> {
  let n = 0;
  // autocannon gives each connection a context object of its own: numbering them gives each simulated user its own session.
  const users = new WeakMap<object, number>();
  let userCount = 0;
  const latencies: number[] = [];
  const unexpected: Record<string, number> = {};
  let errors = 0;
  const started = performance.now();
  const measureFrom = started + options.warmup * 1000;
  const instance = autocannon({
    url: options.baseUrl,
    connections: options.connections,
    duration: options.warmup + options.duration,
    timeout: options.timeout ?? 60,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    requests: [{
      setupRequest: (request, context) => {
        let user = users.get(context);
        if (user === undefined) users.set(context, (user = userCount++));
        const next = options.next(n++, user);
        return { ...request, method: next.method, path: next.path, headers: { ...VIA_PROXY, ...next.headers }, body: next.body };
      },
    }],
  }, () => undefined);
  instance.on('response', (_client, status, _bytes, time) => {
    if (performance.now() < measureFrom) return;
    if (options.expect.includes(status)) latencies.push(time);
    else unexpected[status] = (unexpected[status] ?? 0) + 1;
  });
  instance.on('reqError', () => {
    if (performance.now() >= measureFrom) errors++;
  });
  await new Promise<void>((resolve, reject) => {
    instance.on('done', () => resolve());
    instance.on('error', reject);
  });
  const measured = (performance.now() - measureFrom) / 1000;
  return summarise(latencies, measured > 0 ? measured : options.duration, errors, unexpected, options.connections);
}

/**
 * Waits until the server has worked through what the last run left queued: until /health
 * answers quickly three times in a row (at most `limitMs`).
 */
export async function settle(baseUrl: string, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  let quick = 0;
  while (quick < 3 && Date.now() < deadline) {
    const t = performance.now();
    const ok = await fetch(`${baseUrl}/health`).then(async (r) => {
      await r.arrayBuffer();
      return r.ok;
    }, () => false);
    quick = ok && performance.now() - t < 250 ? quick + 1 : 0;
    if (quick < 3) await new Promise((r) => setTimeout(r, 100));
  }
}
