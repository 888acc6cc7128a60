import { limits } from '../../../services/complain/answers.ts';
import { longAnswerPage } from './long-answer.ts';

/** 2. What happened? */
export const whatHappened = longAnswerPage({
  key: 'what-happened',
  answer: 'whatHappened',
  title: 'What happened?',
  hint: 'Tell us what the council or care provider did, or did not do, and when. Include any dates you remember.',
  rowKey: 'What happened',
  changeText: 'what happened',
  emptyMessage: 'Enter what happened',
  subject: 'What happened',
  maxLength: limits.whatHappened,
  next: 'injustice',
  previous: 'who-is-it-about',
});
