/**
 * Sends one email or text message. Two adapters stand behind it: GOV.UK Notify (when
 * NOTIFY_API_KEY is set) and a local outbox (the default) that only marks the message sent, so
 * staff can read it at /staff/outbox.
 */
export interface OutgoingNotification {
  id: number;
  channel: 'email' | 'sms';
  recipient: string;
  template: NotificationTemplate;
  personalisation: Record<string, string>;
}

export interface Notifier {
  readonly name: string;
  send(notification: OutgoingNotification): Promise<{ providerReference: string | null }>;
}

/** Every message Redress sends, by name; each maps to a GOV.UK Notify template id in config. */
export const notificationTemplates = {
  'sign-in-code': 'Your sign-in code',
  'case-received': 'We have received your complaint',
  'stage-changed': 'Your complaint has moved on',
  'new-message': 'You have a new message about your complaint',
  'draft-decision-ready': 'Our draft decision is ready for your comments',
  'decision-made': 'We have made our decision',
  'reminder-waiting-for-you': 'We are waiting for something from you',
  'draft-saved': 'Your complaint is saved',
  // To bodies' link officers.
  'enquiry-sent-to-body': 'We have sent your council an enquiry',
  'remedy-due-soon': 'A remedy we recommended is due soon',
  'remedy-overdue': 'A remedy we recommended is overdue',
  'remedy-still-overdue': 'A remedy we recommended is still overdue',
  'remedy-delayed': 'A remedy we recommended is now a delayed remedy',
} as const;
export type NotificationTemplate = keyof typeof notificationTemplates;
