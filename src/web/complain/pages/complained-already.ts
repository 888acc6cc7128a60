import { z } from 'zod';
import { check, type QuestionPage } from './page.ts';

/** 5. Have you already complained to the council or care provider? "No" leads to the interruption page. */
export const complainedAlready: QuestionPage = {
  key: 'complained-already',
  title: 'Have you already complained to the council or care provider?',
  template: 'complain/pages/complained-already.njk',
  fields: ['complainedToBody'],
  section: 'complaint',
  applies: () => true,
  values: (answers) => ({ complainedToBody: answers.complainedToBody ?? '' }),
  async parse(values) {
    const result = check(
      z.object({ complainedToBody: z.enum(['yes', 'no'], { message: 'Select yes if you have already complained to the council or care provider' }) }),
      values,
    );
    return result.ok ? { ok: true, patch: { complainedToBody: result.data.complainedToBody } } : result;
  },
  next: (answers) => (answers.complainedToBody === 'no' ? 'complain-to-them-first' : 'who-for'),
  previous: () => 'desired-outcome',
  rows: (answers) => [
    {
      key: 'Complained to the council or care provider first',
      value: answers.complainedToBody === 'yes' ? 'Yes' : answers.complainedToBody === 'no' ? 'No' : '',
      page: 'complained-already',
      changeText: 'whether you have already complained to the council or care provider',
    },
  ],
};
