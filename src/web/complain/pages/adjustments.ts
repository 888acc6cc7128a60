import { z } from 'zod';
import { limits } from '../../../services/complain/answers.ts';
import { check, count, type QuestionPage } from './page.ts';

/** 8. Do you need us to make any reasonable adjustments? */
export const adjustments: QuestionPage = {
  key: 'adjustments',
  title: 'Do you need us to make any reasonable adjustments?',
  template: 'complain/pages/adjustments.njk',
  fields: ['needsAdjustments', 'adjustments'],
  section: 'you',
  applies: () => true,
  values: (answers) => ({ needsAdjustments: answers.needsAdjustments ?? '', adjustments: answers.needsAdjustments === 'yes' ? (answers.adjustments ?? '') : '' }),
  async parse(values) {
    const tooLong = `The adjustments you need must be ${count(limits.adjustments)} characters or fewer`;
    const result = check(
      z.object({
        needsAdjustments: z.enum(['yes', 'no'], { message: 'Select yes if you need us to make any adjustments' }),
        adjustments: values.needsAdjustments === 'yes' ? z.string().min(1, 'Describe the adjustments you need').max(limits.adjustments, tooLong) : z.string(),
      }),
      values,
    );
    if (!result.ok) return result;
    const needs = result.data.needsAdjustments;
    return { ok: true, patch: { needsAdjustments: needs, adjustments: needs === 'yes' ? result.data.adjustments : null } };
  },
  next: () => 'check-answers',
  previous: () => 'contact-details',
  rows: (answers) => [
    {
      key: 'Adjustments you need',
      value: answers.needsAdjustments === 'yes' ? (answers.adjustments ?? '') : answers.needsAdjustments === 'no' ? 'None' : '',
      page: 'adjustments',
      changeText: 'the adjustments you need',
    },
  ],
};
