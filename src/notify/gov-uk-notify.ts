import { NotifyClient } from 'notifications-node-client';
import { notificationTemplates, type NotificationTemplate, type Notifier, type OutgoingNotification } from './notifier.ts';

/** A mistake in NOTIFY_API_KEY or NOTIFY_TEMPLATE_IDS: found at start-up, before any message is queued to go. */
export class NotifyConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotifyConfigurationError';
  }
}

/**
 * GOV.UK Notify did not take a message. `retryable` says whether trying later may work: Notify's
 * 5xx, its rate limit (429) and network failures may; any other 4xx (a bad address, a team-only key,
 * missing personalisation) will not.
 */
export class NotifyRequestError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'NotifyRequestError';
  }
}

export type NotifyTemplateIds = Record<NotificationTemplate, string>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads NOTIFY_TEMPLATE_IDS (`{"sign-in-code": "<template id>", ...}`): every template Redress
 * sends needs an id, or the error names the missing ones.
 */
export function parseTemplateIds(value: string | Record<string, unknown> | undefined): NotifyTemplateIds {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new NotifyConfigurationError('NOTIFY_TEMPLATE_IDS must be JSON like {"sign-in-code": "<GOV.UK Notify template id>", ...}');
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new NotifyConfigurationError('NOTIFY_TEMPLATE_IDS must be set to a JSON object of GOV.UK Notify template ids, one for each message Redress sends');
  }
  const given = parsed as Record<string, unknown>;
  const names = Object.keys(notificationTemplates) as NotificationTemplate[];
  const missing = names.filter((name) => typeof given[name] !== 'string' || given[name] === '');
  if (missing.length > 0) throw new NotifyConfigurationError(`NOTIFY_TEMPLATE_IDS has no GOV.UK Notify template id for: ${missing.join(', ')}`);
  const malformed = names.filter((name) => !UUID.test(given[name] as string));
  if (malformed.length > 0) throw new NotifyConfigurationError(`NOTIFY_TEMPLATE_IDS has template ids that are not GOV.UK Notify ids (UUIDs) for: ${malformed.join(', ')}`);
  const unknown = Object.keys(given).filter((name) => !names.includes(name as NotificationTemplate));
  if (unknown.length > 0) throw new NotifyConfigurationError(`NOTIFY_TEMPLATE_IDS names messages Redress does not send: ${unknown.join(', ')}`);
  return Object.fromEntries(names.map((name) => [name, given[name] as string])) as NotifyTemplateIds;
}

export interface GovUkNotifyOptions {
  apiKey: string;
  templateIds: NotifyTemplateIds;
  /** Notify's API; tests point this at a fake. */
  baseUrl?: string;
  /** How long to wait for Notify before giving up on one attempt. */
  timeoutMs?: number;
}

interface AxiosLikeError {
  response?: { status?: number; data?: { errors?: { error?: string; message?: string }[] } };
  code?: string;
  message?: string;
}

function requestError(error: unknown): NotifyRequestError {
  const e = (error ?? {}) as AxiosLikeError;
  const status = e.response?.status;
  if (status === undefined) {
    return new NotifyRequestError(`GOV.UK Notify could not be reached: ${e.code ?? e.message ?? String(error)}`, undefined, true);
  }
  const reasons = (e.response?.data?.errors ?? []).map((r) => [r.error, r.message].filter(Boolean).join(': ')).join('; ');
  const retryable = status >= 500 || status === 429 || status === 408;
  return new NotifyRequestError(`GOV.UK Notify answered ${status}${reasons ? `: ${reasons}` : ''}`, status, retryable);
}

/** Sends through GOV.UK Notify, which renders the template; Notify's notification id is the provider reference. */
export function govUkNotify(options: GovUkNotifyOptions): Notifier {
  if (!/^.+-[0-9a-f-]{36}-[0-9a-f-]{36}$/i.test(options.apiKey)) {
    throw new NotifyConfigurationError('NOTIFY_API_KEY does not look like a GOV.UK Notify API key (name-serviceid-secret)');
  }
  const client = options.baseUrl ? new NotifyClient(options.baseUrl, options.apiKey) : new NotifyClient(options.apiKey);
  // The client's HTTP calls have no timeout of their own: a hung request would hold the worker.
  const timeout = options.timeoutMs ?? 30_000;
  const rest = (client as unknown as { apiClient?: { restClient?: unknown } }).apiClient?.restClient;
  if (typeof rest === 'function') {
    client.setClient(((request: Record<string, unknown>) => (rest as (r: Record<string, unknown>) => unknown)({ timeout, ...request })) as never);
  }

  return {
    name: 'gov-uk-notify',
    async send(notification: OutgoingNotification) {
      const templateId = options.templateIds[notification.template];
      const request = { personalisation: notification.personalisation, reference: `redress-notification-${notification.id}` };
      try {
        const response =
          notification.channel === 'email'
            ? await client.sendEmail(templateId, notification.recipient, request)
            : await client.sendSms(templateId, notification.recipient, request);
        const id = (response.data as { id?: unknown } | undefined)?.id;
        return { providerReference: typeof id === 'string' ? id : null };
      } catch (error) {
        throw requestError(error);
      }
    },
  };
}
