import { z } from 'zod';
import { limits } from '../../../services/complain/answers.ts';
import { check, count, type QuestionPage } from './page.ts';

/**
 * 6a. Complaining for someone else: who they are. They become the complainant of the case, and the
 * person filling in the form its representative.
 */
export const personAffected: QuestionPage = {
  key: 'person-affected',
  title: 'About the person you are complaining for',
  template: 'complain/pages/person-affected.njk',
  fields: ['affectedName', 'relationship'],
  section: 'you',
  applies: (answers) => answers.complainingFor === 'someone-else',
  values: (answers) => ({ affectedName: answers.affectedName ?? '', relationship: answers.relationship ?? '' }),
  async parse(values) {
    const result = check(
      z.object({
        affectedName: z.string().min(1, 'Enter the full name of the person you are complaining for').max(limits.name, `Their name must be ${count(limits.name)} characters or fewer`),
        relationship: z.string().min(1, 'Enter your relationship to them, for example daughter or support worker').max(limits.relationship, `Your relationship to them must be ${count(limits.relationship)} characters or fewer`),
      }),
      values,
    );
    return result.ok ? { ok: true, patch: { affectedName: result.data.affectedName, relationship: result.data.relationship } } : result;
  },
  next: () => 'contact-details',
  previous: () => 'who-for',
  rows: (answers) => [
    { key: 'Name of the person you are complaining for', value: answers.affectedName ?? '', page: 'person-affected', changeText: 'the name of the person you are complaining for' },
    { key: 'Your relationship to them', value: answers.relationship ?? '', page: 'person-affected', changeText: 'your relationship to them' },
  ],
};
