import { govUkNotify, parseTemplateIds } from './gov-uk-notify.ts';
import { localOutbox } from './local-outbox.ts';
import type { Notifier } from './notifier.ts';

export interface NotifierSettings {
  /** NOTIFY_API_KEY: when set, messages go through GOV.UK Notify. */
  notifyApiKey?: string | undefined;
  /** NOTIFY_TEMPLATE_IDS: JSON (or already parsed) `{ "sign-in-code": "<template id>", ... }`. */
  notifyTemplateIds?: string | Record<string, unknown> | undefined;
  /** Notify's API address; only for testing against a fake. */
  notifyBaseUrl?: string | undefined;
}

/**
 * GOV.UK Notify when NOTIFY_API_KEY is set, else the local outbox. Throws NotifyConfigurationError
 * at start-up when Notify is chosen but a template id is missing or malformed.
 */
export function createNotifier(settings: NotifierSettings): Notifier {
  if (!settings.notifyApiKey) return localOutbox();
  return govUkNotify({ apiKey: settings.notifyApiKey, templateIds: parseTemplateIds(settings.notifyTemplateIds), baseUrl: settings.notifyBaseUrl });
}
