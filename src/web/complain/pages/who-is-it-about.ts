import { z } from 'zod';
import { limits } from '../../../services/complain/answers.ts';
import { check, count, type QuestionPage } from './page.ts';

const chooseMessage = 'Select the council or care provider your complaint is about';

/** 1. Who is your complaint about? A council or care provider from our list, or a care provider we do not know yet. */
export const whoIsItAbout: QuestionPage = {
  key: 'who-is-it-about',
  title: 'Who is your complaint about?',
  template: 'complain/pages/who-is-it-about.njk',
  fields: ['bodyId', 'bodyNotListed', 'careProviderName'],
  section: 'complaint',
  applies: () => true,
  values: (answers) => ({
    bodyId: answers.bodyNotListed || !answers.bodyId ? '' : String(answers.bodyId),
    bodyNotListed: answers.bodyNotListed ? 'yes' : '',
    careProviderName: answers.bodyNotListed ? (answers.careProviderName ?? '') : '',
  }),
  async parse(values, lookup) {
    const notListed = values.bodyNotListed === 'yes';
    const result = check(
      z.object({
        bodyId: notListed ? z.string() : z.string().regex(/^\d{1,9}$/, chooseMessage),
        bodyNotListed: z.string(),
        careProviderName: notListed
          ? z.string().min(1, 'Enter the name of the care provider').max(limits.name, `Name of the care provider must be ${count(limits.name)} characters or fewer`)
          : z.string(),
      }),
      values,
    );
    if (!result.ok) return result;
    if (notListed) {
      return { ok: true, patch: { bodyNotListed: true, careProviderName: result.data.careProviderName.replace(/\s+/g, ' '), bodyId: null, bodyName: null } };
    }
    const body = await lookup.findBody(Number(result.data.bodyId));
    if (!body) return { ok: false, errors: { bodyId: chooseMessage } };
    return { ok: true, patch: { bodyNotListed: false, careProviderName: null, bodyId: body.id, bodyName: body.name } };
  },
  next: () => 'what-happened',
  previous: () => 'start',
  rows: (answers) => [
    {
      key: 'Who your complaint is about',
      value: answers.bodyNotListed ? `${answers.careProviderName ?? ''} (a care provider that is not on our list)` : (answers.bodyName ?? ''),
      page: 'who-is-it-about',
      changeText: 'who your complaint is about',
    },
  ],
  context: async (_answers, lookup) => ({ bodies: await lookup.listBodies() }),
};
