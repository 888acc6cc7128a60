import type { Stage } from '../domain/case-lifecycle.ts';
import { notificationTemplates, type NotificationTemplate } from './notifier.ts';

/**
 * The words of every message, in plain English, with GOV.UK Notify's ((placeholder)) syntax.
 * GOV.UK Notify renders its own copy of each template (set these texts up there, one template per
 * name, and put the ids in NOTIFY_TEMPLATE_IDS); the local outbox renders these so staff can read
 * what would have been sent. Personalisation values are always strings, and every caller of a
 * template must give every ((placeholder)) it uses: Notify refuses a message with one missing, and
 * so does the local outbox. Who gives what:
 *   sign-in-code          code, minutes                       services/portal/sign-in.ts
 *   case-received         name, reference, respondBy           services/intake.ts (staff), services/complain/drafts.ts (online)
 *   stage-changed         name, reference, stage               assessment, allocation, compliance services
 *   new-message           reference                            services/portal/messages.ts
 *   draft-decision-ready  name, reference, commentsDueOn       services/investigation.ts
 *   decision-made         name, reference                      services/investigation.ts
 *   reminder-waiting-for-you  name, reference, waitingFor      jobs/reminders.ts
 *   draft-saved           resumeUrl                            services/complain/drafts.ts
 */
export const templateTexts: Record<NotificationTemplate, { subject: string; body: string }> = {
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
};

const PLACEHOLDER = /\(\(([A-Za-z0-9_-]+)\)\)/g;

/** The personalisation keys a template uses. */
export function placeholdersOf(template: NotificationTemplate): string[] {
  const { subject, body } = templateTexts[template];
  return [...new Set([...`${subject}\n${body}`.matchAll(PLACEHOLDER)].map((m) => m[1] as string))];
}

/** Fills a template's ((placeholders)); a value that is missing stays visible as ((name)). */
export function renderLocally(template: NotificationTemplate, personalisation: Record<string, string>): { subject: string; body: string } {
  const fill = (text: string) => text.replace(PLACEHOLDER, (whole, key: string) => (Object.hasOwn(personalisation, key) ? String(personalisation[key]) : whole));
  const { subject, body } = templateTexts[template];
  return { subject: fill(subject), body: fill(body) };
}

export function isNotificationTemplate(name: string): name is NotificationTemplate {
  return Object.hasOwn(notificationTemplates, name);
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
