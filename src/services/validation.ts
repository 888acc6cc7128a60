import type { z } from 'zod';
import { invalid } from './errors.ts';

/**
 * Parses input with a zod schema; on failure throws an `invalid` AppError whose fields map each
 * input name to its first message, ready for a GOV.UK error summary.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join('.') || 'form';
    fields[key] ??= issue.message;
  }
  throw invalid(fields);
}
