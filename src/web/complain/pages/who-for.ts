import { z } from 'zod';
import { check, type QuestionPage } from './page.ts';

/** 6. Are you complaining for yourself or on behalf of someone else? */
export const whoFor: QuestionPage = {
  key: 'who-for',
  title: 'Are you complaining for yourself or for someone else?',
  template: 'complain/pages/who-for.njk',
  fields: ['complainingFor'],
  section: 'you',
  applies: () => true,
  values: (answers) => ({ complainingFor: answers.complainingFor ?? '' }),
  async parse(values) {
    const result = check(
      z.object({ complainingFor: z.enum(['myself', 'someone-else'], { message: 'Select whether you are complaining for yourself or for someone else' }) }),
      values,
    );
    return result.ok ? { ok: true, patch: { complainingFor: result.data.complainingFor } } : result;
  },
  next: (answers) => (answers.complainingFor === 'someone-else' ? 'person-affected' : 'contact-details'),
  previous: (answers) => (answers.complainedToBody === 'no' ? 'reason-for-complaining-now' : 'complained-already'),
  rows: (answers) => [
    {
      key: 'Who you are complaining for',
      value: answers.complainingFor === 'someone-else' ? 'Someone else' : answers.complainingFor === 'myself' ? 'Myself' : '',
      page: 'who-for',
      changeText: 'who you are complaining for',
    },
  ],
};
