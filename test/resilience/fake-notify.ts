/**
 * A stand-in for GOV.UK Notify's v2 API on 127.0.0.1, for Redress processes started by the
 * resilience tests (NOTIFY_API_KEY, NOTIFY_TEMPLATE_IDS, NOTIFY_BASE_URL from `env()`). It keeps
 * every message it is sent, so a test can count sends per notification and read sign-in codes,
 * and it can hold its answers back, to keep a job in progress while a worker is told to stop.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { notificationTemplates } from '../../src/notify/notifier.ts';

export interface SentMessage {
  template: string;
  to: string;
  personalisation: Record<string, string>;
  /** `redress-notification-<id>`: Redress's notification id. */
  reference: string;
}

export class FakeNotify {
  readonly received: SentMessage[] = [];
  private readonly templateIds: Record<string, string> = Object.fromEntries(Object.keys(notificationTemplates).map((name) => [name, randomUUID() as string]));
  private readonly templateNames = new Map(Object.entries(this.templateIds).map(([name, id]) => [id, name]));
  private holding = false;
  private held: (() => void)[] = [];
  private readonly server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      this.received.push({
        template: this.templateNames.get(String(body.template_id)) ?? String(body.template_id),
        to: String(body.email_address ?? body.phone_number ?? ''),
        personalisation: (body.personalisation ?? {}) as Record<string, string>,
        reference: String(body.reference ?? ''),
      });
      const answer = () => this.answer(response, body);
      if (this.holding) this.held.push(answer);
      else answer();
    });
  });

  url = '';

  private answer(response: ServerResponse, body: Record<string, unknown>) {
    response.writeHead(201, { 'content-type': 'application/json', connection: 'close' });
    response.end(JSON.stringify({ id: randomUUID(), reference: body.reference ?? null, content: { body: '', subject: '' }, template: { id: body.template_id, version: 1 } }));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The environment that points a Redress process at this fake. */
  env(): Record<string, string> {
    return {
      NOTIFY_API_KEY: `redress_resilience-${randomUUID()}-${randomUUID()}`,
      NOTIFY_TEMPLATE_IDS: JSON.stringify(this.templateIds),
      NOTIFY_BASE_URL: this.url,
    };
  }

  /** From now on, keep requests waiting for an answer until `release()`. */
  hold(): void {
    this.holding = true;
  }

  release(): void {
    this.holding = false;
    for (const answer of this.held.splice(0)) answer();
  }

  /** The code in the newest sign-in email to `email`. */
  latestCode(email: string): string | undefined {
    return this.received.filter((m) => m.template === 'sign-in-code' && m.to === email).at(-1)?.personalisation.code;
  }

  /** How many times each notification (by Redress id) was sent. */
  sendsByNotification(): Map<number, number> {
    const counts = new Map<number, number>();
    for (const message of this.received) {
      const id = Number(/^redress-notification-(\d+)$/.exec(message.reference)?.[1]);
      if (Number.isInteger(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  }
}
