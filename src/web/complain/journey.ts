import type { Answers } from '../../services/complain/answers.ts';
import { adjustments } from './pages/adjustments.ts';
import { complainedAlready } from './pages/complained-already.ts';
import { contactDetails } from './pages/contact-details.ts';
import { desiredOutcome } from './pages/desired-outcome.ts';
import { injustice } from './pages/injustice.ts';
import { personAffected } from './pages/person-affected.ts';
import { reasonForComplainingNow } from './pages/reason-for-complaining-now.ts';
import { whatHappened } from './pages/what-happened.ts';
import { whoFor } from './pages/who-for.ts';
import { whoIsItAbout } from './pages/who-is-it-about.ts';
import { isComplete, type AnswerRow, type BodyLookup, type PageKey, type QuestionKey, type QuestionPage } from './pages/page.ts';

/** The question pages in the order they are asked. */
export const questionPages: readonly QuestionPage[] = [
  whoIsItAbout,
  whatHappened,
  injustice,
  desiredOutcome,
  complainedAlready,
  reasonForComplainingNow,
  whoFor,
  personAffected,
  contactDetails,
  adjustments,
];

const byKey = new Map<string, QuestionPage>(questionPages.map((page) => [page.key, page]));

export function questionPage(key: string): QuestionPage | undefined {
  return byKey.get(key);
}

export const complainPaths = {
  start: '/complain',
  begin: '/complain/start',
  interruption: '/complain/complain-to-them-first',
  checkAnswers: '/complain/check-answers',
  confirmation: '/complain/confirmation',
  save: '/complain/save',
  resume: (token: string) => `/complain/resume/${token}`,
  question: (key: QuestionKey) => `/complain/${key}`,
  signIn: '/sign-in',
} as const;

export const returnToCheck = 'returnTo=check';

export function pathOf(key: PageKey, returning = false): string {
  const suffix = returning ? `?${returnToCheck}` : '';
  if (key === 'start') return complainPaths.start;
  if (key === 'check-answers') return complainPaths.checkAnswers;
  if (key === 'complain-to-them-first') return complainPaths.interruption + suffix;
  return complainPaths.question(key) + suffix;
}

/**
 * The first question still to answer, or undefined when all are answered. An unanswered reason
 * for complaining now sends them to the interruption page first, which leads to it.
 */
export async function firstUnanswered(answers: Answers, lookup: BodyLookup): Promise<PageKey | undefined> {
  for (const page of questionPages) {
    if (!page.applies(answers)) continue;
    if (!(await isComplete(page, answers, lookup))) return page.key === 'reason-for-complaining-now' ? 'complain-to-them-first' : page.key;
  }
  return undefined;
}

/**
 * Where to go after a page is saved. Normally its next page. Coming from "Check your answers", back
 * there, unless the new answer opened a question not yet answered (complaining for someone else
 * now, say): then that question, still on the way back to "Check your answers".
 */
export async function afterSaving(page: QuestionPage, answers: Answers, returning: boolean, lookup: BodyLookup): Promise<string> {
  const next = page.next(answers);
  if (!returning || next === 'check-answers' || next === 'start') return pathOf(next, returning);
  const following = next === 'complain-to-them-first' ? reasonForComplainingNow : questionPage(next);
  if (following && following.applies(answers) && !(await isComplete(following, answers, lookup))) return pathOf(next, true);
  return complainPaths.checkAnswers;
}

export interface AnswerSection {
  heading: string;
  rows: AnswerRow[];
}

/** "Check your answers", derived from the pages that apply, in order. */
export function answerSections(answers: Answers): AnswerSection[] {
  const sections: AnswerSection[] = [
    { heading: 'Your complaint', rows: [] },
    { heading: 'About you', rows: [] },
  ];
  for (const page of questionPages) {
    if (!page.applies(answers)) continue;
    (page.section === 'complaint' ? sections[0] : sections[1])?.rows.push(...page.rows(answers));
  }
  return sections;
}
