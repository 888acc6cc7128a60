import type { Stage } from '../domain/case-lifecycle.ts';
import { notificationTemplates, type NotificationTemplate } from './notifier.ts';

/**
 * Messages to a body's link officer (the named person at a council or care provider who answers
 * our enquiries and confirms compliance), by name and subject. They are sent like every other
 * message; their names belong in `notificationTemplates` (notifier.ts) beside the others, so that
 * GOV.UK Notify is given a template id for each.
 */
/** The messages to bodies' link officers (a subset of every message, by name and subject). */
export const linkOfficerMessages = {
  'enquiry-sent-to-body': notificationTemplates['enquiry-sent-to-body'],
  'remedy-due-soon': notificationTemplates['remedy-due-soon'],
  'remedy-overdue': notificationTemplates['remedy-overdue'],
  'remedy-still-overdue': notificationTemplates['remedy-still-overdue'],
  'remedy-delayed': notificationTemplates['remedy-delayed'],
} as const;
export type LinkOfficerMessage = keyof typeof linkOfficerMessages;
/** Every message Redress sends. */
export type MessageName = NotificationTemplate | LinkOfficerMessage;

/**
 * The words of every message, in plain English, with GOV.UK Notify's ((placeholder)) syntax.
 * GOV.UK Notify renders its own copy of each template (set these texts up there, one template per
 * name, and put the ids in NOTIFY_TEMPLATE_IDS); the local outbox renders these so staff can read
 * what would have been sent. Personalisation values are always strings, and every caller of a
 * template must give every ((placeholder)) it uses: Notify refuses a message with one missing, and
 * so does the local outbox. Who gives what:
 *   sign-in-code          code, minutes                       services/email-code.ts (complainants and link officers)
 *   case-received         name, reference, respondBy           services/intake.ts (staff), services/complain/drafts.ts (online)
 *   stage-changed         name, reference, stage               assessment, allocation, compliance services
 *   new-message           reference                            services/portal/messages.ts
 *   draft-decision-ready  name, reference, commentsDueOn       services/investigation.ts
 *   decision-made         name, reference                      services/investigation.ts
 *   reminder-waiting-for-you  name, reference, waitingFor      jobs/reminders.ts
 *   draft-saved           resumeUrl                            services/complain/drafts.ts
 *   enquiry-sent-to-body  reference, bodyName, dueOn           link officers' enquiries (services for bodies)
 *   remedy-due-soon       name, reference, bodyName, remedy, dueOn                  services/remedies/reminders.ts
 *   remedy-overdue        name, reference, bodyName, remedy, dueOn                  services/remedies/reminders.ts
 *   remedy-still-overdue  name, reference, bodyName, remedy, dueOn, daysOverdue     services/remedies/reminders.ts
 *   remedy-delayed        name, reference, bodyName, remedy, dueOn, delayedDueOn    services/remedies/delayed.ts
 */
export const templateTexts: Record<MessageName, { subject: string; body: string }> = {
  'sign-in-code': {
    subject: notificationTemplates['sign-in-code'],
    body: 'Your sign-in code is ((code)).\n\nIt works once, for ((minutes)) minutes. If you did not try to sign in, you do not need to do anything.',
  },
  'case-received': {
    subject: notificationTemplates['case-received'],
    body:
      'Dear ((name))\n\n' +
      'We have received your complaint. Your reference is ((reference)).\n\n' +
      'We will contact you by ((respondBy)) to tell you what happens next. Please quote your reference if you get in touch.',
  },
  'stage-changed': {
    subject: notificationTemplates['stage-changed'],
    body: 'Dear ((name))\n\nYour complaint ((reference)) has moved on. It is now ((stage)).\n\nWe will tell you when anything else changes.',
  },
  'new-message': {
    subject: notificationTemplates['new-message'],
    body: 'You have a new message about your complaint ((reference)).\n\nSign in to read it and reply.',
  },
  'draft-decision-ready': {
    subject: notificationTemplates['draft-decision-ready'],
    body:
      'Dear ((name))\n\n' +
      'Our draft decision on your complaint ((reference)) is ready.\n\n' +
      'Please read it and send us any comments by ((commentsDueOn)). We will think about what you say before we make our final decision.',
  },
  'decision-made': {
    subject: notificationTemplates['decision-made'],
    body: 'Dear ((name))\n\nWe have made our final decision on your complaint ((reference)).\n\nThe decision explains what we found and what happens next.',
  },
  'reminder-waiting-for-you': {
    subject: notificationTemplates['reminder-waiting-for-you'],
    body:
      'Dear ((name))\n\n' +
      'We are waiting for ((waitingFor)).\n\n' +
      'This is about your complaint ((reference)). If you have already replied, thank you: you do not need to do anything.',
  },
  'draft-saved': {
    subject: notificationTemplates['draft-saved'],
    body: 'Your complaint is saved but not sent yet.\n\nTo carry on where you left off, go to ((resumeUrl))',
  },
  'enquiry-sent-to-body': {
    subject: linkOfficerMessages['enquiry-sent-to-body'],
    body:
      'We have sent ((bodyName)) an enquiry about complaint ((reference)).\n\n' +
      'Please send us your response by ((dueOn)). Sign in to our service for councils and care providers to read the enquiry and upload your response.',
  },
  'remedy-due-soon': {
    subject: linkOfficerMessages['remedy-due-soon'],
    body:
      'Dear ((name))\n\n' +
      'In our decision on complaint ((reference)) we recommended that ((bodyName)) provide a remedy: ((remedy)). It is due by ((dueOn)).\n\n' +
      'When it is done, sign in to our service for councils and care providers to confirm it and send us the evidence. If you have already done so, thank you.',
  },
  'remedy-overdue': {
    subject: linkOfficerMessages['remedy-overdue'],
    body:
      'Dear ((name))\n\n' +
      'In our decision on complaint ((reference)) we recommended that ((bodyName)) provide a remedy: ((remedy)). It was due by ((dueOn)) and we have not had evidence that it has been done.\n\n' +
      'Please confirm it and send us the evidence now, by signing in to our service for councils and care providers, or tell us why it has not been done.',
  },
  'remedy-still-overdue': {
    subject: linkOfficerMessages['remedy-still-overdue'],
    body:
      'Dear ((name))\n\n' +
      'The remedy we recommended in complaint ((reference)), ((remedy)), was due by ((dueOn)). It is now ((daysOverdue)) days overdue.\n\n' +
      'Please confirm it and send us the evidence, by signing in to our service for councils and care providers, or tell us why it has not been done. ' +
      'We report each council’s compliance with our recommendations publicly.',
  },
  'remedy-delayed': {
    subject: linkOfficerMessages['remedy-delayed'],
    body:
      'Dear ((name))\n\n' +
      'The remedy we recommended in complaint ((reference)), ((remedy)), was due by ((dueOn)) and is still outstanding a year later. It is now a delayed remedy.\n\n' +
      'We ask ((bodyName)) to complete it by ((delayedDueOn)). Delayed remedies are listed on our public watch-list of each council’s overdue remedies.',
  },
};

const PLACEHOLDER = /\(\(([A-Za-z0-9_-]+)\)\)/g;

/** The personalisation keys a template uses. */
export function placeholdersOf(template: MessageName): string[] {
  const { subject, body } = templateTexts[template];
  return [...new Set([...`${subject}\n${body}`.matchAll(PLACEHOLDER)].map((m) => m[1] as string))];
}

/** Fills a template's ((placeholders)); a value that is missing stays visible as ((name)). */
export function renderLocally(template: MessageName, personalisation: Record<string, string>): { subject: string; body: string } {
  const fill = (text: string) => text.replace(PLACEHOLDER, (whole, key: string) => (Object.hasOwn(personalisation, key) ? String(personalisation[key]) : whole));
  const { subject, body } = templateTexts[template];
  return { subject: fill(subject), body: fill(body) };
}

/**
 * Whether Redress has a message by this name. A link officer's message counts too: until its name
 * is listed in `notificationTemplates` the type says less than the truth, which is why the send
 * job can still hand every message it stores to the notifier.
 */
export function isNotificationTemplate(name: string): name is NotificationTemplate {
  return Object.hasOwn(notificationTemplates, name) || Object.hasOwn(linkOfficerMessages, name);
}

/** A message's title (its subject before personalisation). */
export function messageTitle(name: MessageName): string {
  return templateTexts[name].subject;
}

/** Where a complaint has got to, in words that finish "It is now …". */
export const stageInPlainWords: Record<Stage, string> = {
  assessment: 'being assessed',
  'awaiting-allocation': 'waiting for an investigator',
  investigation: 'being investigated',
  'draft-decision': 'waiting for your comments on our draft decision',
  compliance: 'at the stage where we check that what we asked for is done',
  closed: 'closed',
};

/** What a reminder says we are waiting for. */
export const waitingFor = {
  information: 'the information we asked you for',
  draftComments: (dueOn: string) => `your comments on our draft decision, which are due by ${dueOn}`,
};
