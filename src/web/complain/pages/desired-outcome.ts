import { limits } from '../../../services/complain/answers.ts';
import { longAnswerPage } from './long-answer.ts';

/** 4. What do you want to happen? */
export const desiredOutcome = longAnswerPage({
  key: 'desired-outcome',
  answer: 'desiredOutcome',
  title: 'What do you want to happen?',
  hint: 'For example, an apology, a decision made again, a service provided, or money paid back.',
  rowKey: 'What you want to happen',
  changeText: 'what you want to happen',
  emptyMessage: 'Enter what you want to happen',
  subject: 'What you want to happen',
  maxLength: limits.desiredOutcome,
  next: 'complained-already',
  previous: 'injustice',
});
