import { z } from 'zod';
import type { Answers } from '../../../services/complain/answers.ts';
import { check, count, type PageKey, type QuestionKey, type QuestionPage } from './page.ts';

type LongAnswer = 'whatHappened' | 'injustice' | 'desiredOutcome';

/** A question answered in the complainant's own words: a textarea with a character count. */
export function longAnswerPage(options: {
  key: QuestionKey;
  answer: LongAnswer;
  title: string;
  hint: string;
  /** Its row on "Check your answers" and the end of "Change …". */
  rowKey: string;
  changeText: string;
  /** "Enter what happened" */
  emptyMessage: string;
  /** "What happened" (must be N characters or fewer) */
  subject: string;
  maxLength: number;
  next: PageKey;
  previous: PageKey;
}): QuestionPage {
  const { answer } = options;
  return {
    key: options.key,
    title: options.title,
    template: 'complain/pages/long-answer.njk',
    fields: [answer],
    section: 'complaint',
    applies: () => true,
    values: (answers: Answers) => ({ [answer]: answers[answer] ?? '' }),
    async parse(values) {
      const result = check(
        z.object({ [answer]: z.string().min(1, options.emptyMessage).max(options.maxLength, `${options.subject} must be ${count(options.maxLength)} characters or fewer`) }),
        values,
      );
      if (!result.ok) return result;
      return { ok: true, patch: { [answer]: (result.data as Record<string, string>)[answer] } };
    },
    next: () => options.next,
    previous: () => options.previous,
    rows: (answers) => [{ key: options.rowKey, value: answers[answer] ?? '', page: options.key, changeText: options.changeText }],
    context: async () => ({ question: { name: answer, hint: options.hint, maxLength: options.maxLength } }),
  };
}
