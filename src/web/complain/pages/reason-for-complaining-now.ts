import { z } from 'zod';
import { limits, prematureReasons } from '../../../services/complain/answers.ts';
import { check, count, type QuestionPage } from './page.ts';

/**
 * 5a. After the interruption page: why come to us before the council or care provider has
 * answered. Recorded in the case summary, so assessors can decide whether to refer it back.
 */
export const reasonForComplainingNow: QuestionPage = {
  key: 'reason-for-complaining-now',
  title: 'Why are you complaining to us now?',
  template: 'complain/pages/reason-for-complaining-now.njk',
  fields: ['prematureReason', 'prematureDetails'],
  section: 'complaint',
  applies: (answers) => answers.complainedToBody === 'no',
  values: (answers) => ({ prematureReason: answers.prematureReason ?? '', prematureDetails: answers.prematureDetails ?? '' }),
  async parse(values) {
    const tooLong = `Your reason must be ${count(limits.prematureDetails)} characters or fewer`;
    const result = check(
      z.object({
        prematureReason: z.enum(['no-reply', 'urgent', 'other'], { message: 'Select why you are complaining to us now' }),
        prematureDetails: values.prematureReason === 'other'
          ? z.string().min(1, 'Tell us your reason for complaining to us now').max(limits.prematureDetails, tooLong)
          : z.string().max(limits.prematureDetails, tooLong),
      }),
      values,
    );
    if (!result.ok) return result;
    return { ok: true, patch: { prematureReason: result.data.prematureReason, prematureDetails: result.data.prematureDetails || null } };
  },
  next: () => 'who-for',
  previous: () => 'complain-to-them-first',
  rows: (answers) => [
    {
      key: 'Why you are complaining to us now',
      value: [answers.prematureReason ? prematureReasons[answers.prematureReason] : '', answers.prematureDetails ?? ''].filter(Boolean).join('\n\n'),
      page: 'reason-for-complaining-now',
      changeText: 'why you are complaining to us now',
    },
  ],
  context: async () => ({ reasons: prematureReasons }),
};
