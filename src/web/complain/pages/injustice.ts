import { limits } from '../../../services/complain/answers.ts';
import { longAnswerPage } from './long-answer.ts';

/** 3. What injustice or harm did it cause you? */
export const injustice = longAnswerPage({
  key: 'injustice',
  answer: 'injustice',
  title: 'What injustice or harm did it cause you?',
  hint: 'For example, distress, time and trouble, money you lost, or a service you did not get. If you are complaining for someone else, tell us how it affected them.',
  rowKey: 'The injustice or harm it caused',
  changeText: 'the injustice or harm it caused',
  emptyMessage: 'Enter how it affected you',
  subject: 'The injustice or harm it caused',
  maxLength: limits.injustice,
  next: 'desired-outcome',
  previous: 'what-happened',
});
