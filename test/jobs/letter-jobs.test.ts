import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { jobHandlers } from '../../src/jobs/handlers.ts';
import { letterJobHandlers } from '../../src/jobs/letter-jobs.ts';
import { PermanentJobError, type ClaimedJob } from '../../src/jobs/worker.ts';
import { GENERATE_LETTERS, parseChunkPayload } from '../../src/services/letters/letter-batches.ts';
import type { ServiceDeps } from '../../src/services/deps.ts';
import type { Notifier } from '../../src/notify/notifier.ts';

// The handlers touch nothing until they run a job, so these tests need no database.
const deps = {} as ServiceDeps;
const job = (payload: Record<string, unknown>): ClaimedJob => ({ id: 1, kind: GENERATE_LETTERS, payload, attempts: 1, maxAttempts: 5, runAt: new Date() });
const context = { now: new Date(), log: pino({ level: 'silent' }), lastAttempt: false };

describe('annual letters jobs', () => {
  it('are among the jobs every worker runs', () => {
    expect(Object.keys(jobHandlers(deps, {} as Notifier))).toContain(GENERATE_LETTERS);
  });

  it('fail for good, without trying again, when the payload is not a chunk of a batch', async () => {
    const handler = letterJobHandlers(deps)[GENERATE_LETTERS];
    for (const payload of [{}, { batchId: '1', chunk: 0, afterCode: null, statement: 'S' }, { batchId: 1, chunk: 0, afterCode: 7, statement: 'S' }, { batchId: 1, chunk: 0, afterCode: null }]) {
      await expect(handler?.(job(payload), context)).rejects.toBeInstanceOf(PermanentJobError);
    }
  });

  it('read a chunk’s payload, keeping only text among the failed codes', () => {
    expect(parseChunkPayload({ batchId: 3, chunk: 2, afterCode: 'E07000001', statement: 'S', failedCodes: ['E1', 5, null] })).toEqual({
      batchId: 3, chunk: 2, afterCode: 'E07000001', statement: 'S', failedCodes: ['E1'],
    });
    expect(parseChunkPayload({ batchId: 3, chunk: 0, afterCode: null, statement: 'S' })?.failedCodes).toEqual([]);
  });
});
