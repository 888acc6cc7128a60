/**
 * What the database's sessions are doing while an operation runs (PostgreSQL only): every 100 ms,
 * the active sessions of the benchmark's database by what they wait for (a lock, the WAL flush of
 * a commit, I/O...) or "running" when on CPU. The shares tell why a write tops out where it does.
 */
import pg from 'pg';

export interface WaitSampler {
  stop(): Promise<Record<string, number>>;
}

export async function sampleWaits(databaseUrl: string): Promise<WaitSampler> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const counts: Record<string, number> = {};
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await client.query<{ what: string; n: number }>(`
        select coalesce(wait_event_type || ':' || wait_event, 'running') as what, count(*)::int as n
          from pg_stat_activity
         where datname = current_database() and state = 'active' and pid <> pg_backend_pid()
         group by 1`);
      for (const row of rows) counts[row.what] = (counts[row.what] ?? 0) + row.n;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await client.end();
      return counts;
    },
  };
}

/** "Lock:transactionid 62%, running 20%, IO:WALSync 9%" */
export function describeWaits(counts: Record<string, number>, top = 4): string {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (total === 0) return '';
  return Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, top).map(([what, n]) => `${what} ${Math.round((100 * n) / total)}%`).join(', ');
}
