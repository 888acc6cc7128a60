import type { ServiceDeps } from '../services/deps.ts';
import { GENERATE_LETTERS, parseChunkPayload, runLetterChunk } from '../services/letters/letter-batches.ts';
import type { LetterOptions } from '../services/letters/generate-letter.ts';
import { PermanentJobError, type JobHandlers } from './worker.ts';

/** Background work on annual letters: generating a year's letters in a batch, a chunk of councils a job. */
export function letterJobHandlers(deps: ServiceDeps, options: LetterOptions = {}): JobHandlers {
  return {
    [GENERATE_LETTERS]: async (job, context) => {
      const payload = parseChunkPayload(job.payload);
      if (!payload) throw new PermanentJobError('A letters job needs a batchId, chunk, afterCode and statement');
      await runLetterChunk(deps, job.id, payload, context.log, options);
    },
  };
}
