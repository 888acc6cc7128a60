import { CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import { send, withInProcessBench } from '../../bench/capture-sql.ts';
import { httpLoad } from '../../bench/load/http-load.ts';
import { sqlLoad } from '../../bench/load/sql-load.ts';
import { operations } from '../../bench/operations.ts';
import { runStatement, sessionData, type SqlWorker } from '../../bench/plain-sql/run-sql.ts';

// The benchmark's every operation, end to end, on a small embedded history: each request answers
// as the benchmark expects (or 404 while its route is still being built), each operation's plain
// SQL runs, and both load drivers measure something. Timings are not checked.
describe('the benchmark smoke run on PGlite', () => {
  // A generous limit: on a quiet machine this takes a few seconds, on a loaded one much longer.
  it('makes every request and runs every plain SQL twin', { timeout: 120_000 }, async () => {
    await withInProcessBench(150, async (bench) => {
      const worker: SqlWorker = {
        sid: 'bench-sql-test',
        query: async (text, params) => ({ rows: (await bench.db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, [...(params ?? [])]))).rows }),
      };
      await runStatement(worker, 'session', 'write-session', [worker.sid, sessionData({}), new Date(Date.now() + 3_600_000)]);
      for (const operation of operations) {
        const status = await send(bench.baseUrl, operation.request(1, bench.fixtures, bench.sessions));
        expect([...operation.expect, 404], `${operation.key} answered ${status}`).toContain(status);
        if (operation.sql) await operation.sql(worker, 1, bench.fixtures);
      }
      const queue = operations.find((o) => o.key === 'queue');
      if (!queue?.sql) throw new Error('no queue operation');
      const http = await httpLoad({ baseUrl: bench.baseUrl, connections: 2, duration: 0.5, warmup: 0.2, expect: queue.expect, next: (n) => queue.request(n, bench.fixtures, bench.sessions) });
      expect(http.completed).toBeGreaterThan(0);
      expect(http.errors).toBe(0);
      const sql = await sqlLoad({ workers: [worker], duration: 0.3, warmup: 0, exclusive: true, run: (w, n) => queue.sql!(w, n, bench.fixtures) });
      expect(sql.completed).toBeGreaterThan(0);
      expect(sql.p95).toBeGreaterThanOrEqual(sql.p50);
    });
  });
});
