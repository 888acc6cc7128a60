/**
 * A member of the public over real HTTP: complains online (every question page, then "Submit
 * complaint"), signs in to the portal with the code emailed to them and uploads a document. Each
 * step is retried as a browser's user would (press the button again) when the server was lost
 * mid-way, and the outcome of every step is kept, so a test knows exactly which submissions and
 * uploads were acknowledged.
 */
import { createHash } from 'node:crypto';
import type { FakeNotify } from './fake-notify.ts';
import { locationOf, Visitor, type HttpResponse } from './http-client.ts';
import { waitFor } from './server-process.ts';

export type Outcome = 'not-tried' | 'succeeded' | 'in-flight' | 'still-sending';

export class Complainant {
  readonly visitor: Visitor;
  readonly email: string;
  readonly fullName: string;
  readonly document: Buffer;
  readonly documentSha256: string;
  /** Index of the next step to run. */
  step = 0;
  submission: Outcome = 'not-tried';
  upload: Outcome = 'not-tried';
  reference: string | undefined;
  /** Sign-in emails already sent to them when they last asked for a code. */
  codesBefore = 0;
  /** Steps that failed because the connection did (the server was killed), by name. */
  readonly interrupted: string[] = [];

  constructor(readonly n: number, port: number, readonly bodyId: number) {
    this.visitor = new Visitor(port);
    this.email = `complainant.${n}@resilience.example`;
    this.fullName = `Resilience Complainant ${n}`;
    this.document = Buffer.from(`Letter from the council to complainant ${n}.\nIt says they will not repair the damp.\n`);
    this.documentSha256 = createHash('sha256').update(this.document).digest('hex');
  }
}

interface Step {
  name: string;
  run(person: Complainant, notify: FakeNotify, serverUp: () => boolean): Promise<HttpResponse>;
  /** True when the response is the one a working service gives. */
  ok(response: HttpResponse, person: Complainant): boolean;
  after?(response: HttpResponse, person: Complainant): void;
}

const codesSentTo = (notify: FakeNotify, email: string) => notify.received.filter((m) => m.template === 'sign-in-code' && m.to === email).map((m) => m.personalisation.code);

const redirectsTo = (response: HttpResponse, path: string) => response.status === 303 && locationOf(response).split('#')[0] === path;

function answers(person: Complainant): [string, Record<string, string>][] {
  return [
    ['who-is-it-about', { bodyId: String(person.bodyId) }],
    ['what-happened', { whatHappened: `Complaint ${person.n}: the council did not repair the damp in my flat for six months.` }],
    ['injustice', { injustice: 'My children were ill and I lost two weeks of work.' }],
    ['desired-outcome', { desiredOutcome: 'Repair the damp and apologise.' }],
    ['complained-already', { complainedToBody: 'yes' }],
    ['who-for', { complainingFor: 'myself' }],
    ['contact-details', { fullName: person.fullName, email: person.email, phone: '', address: '', contactPreference: 'email' }],
    ['adjustments', { needsAdjustments: 'no' }],
  ];
}

const SUBMIT = 'submit complaint';
const SIGN_IN = 'ask for a sign-in code';
const UPLOAD = 'upload a document';
const CODE = 'type the emailed code';

function steps(person: Complainant): Step[] {
  const pages = answers(person);
  const portalCase = () => `/complaints/${encodeURIComponent((person.reference ?? '').replace(/\s/g, ''))}`;
  return [
    { name: 'open the first question', run: (p) => p.visitor.get('/complain/who-is-it-about'), ok: (r) => r.status === 200 },
    ...pages.map(([page, form], index): Step => ({
      name: `answer ${page}`,
      run: (p) => p.visitor.post(`/complain/${page}`, form),
      ok: (r) => r.status === 303 && locationOf(r).startsWith(index === pages.length - 1 ? '/complain/check-answers' : '/complain/'),
    })),
    {
      name: SUBMIT,
      run: (p) => p.visitor.post('/complain/check-answers', {}),
      ok: (r) => redirectsTo(r, '/complain/confirmation'),
      after: (_r, p) => {
        // The success response: "sent", on to the confirmation.
        p.submission = 'succeeded';
      },
    },
    {
      name: 'read the confirmation',
      run: (p) => p.visitor.get('/complain/confirmation'),
      ok: (r) => r.status === 200 && (r.body.includes('govuk-panel--confirmation') || r.body.includes('We are still sending your complaint')),
      after: (r, p) => {
        p.reference = /<strong>(\d{2} \d{3} \d{3})<\/strong>/.exec(r.body)?.[1];
        // The person is told the complaint is sent only with its reference.
        p.submission = p.reference ? 'succeeded' : 'still-sending';
      },
    },
    { name: 'open the sign-in page', run: (p) => p.visitor.get('/sign-in'), ok: (r) => r.status === 200 },
    {
      name: SIGN_IN,
      run: (p, notify) => {
        p.codesBefore = codesSentTo(notify, p.email).length;
        return p.visitor.post('/sign-in', { email: p.email });
      },
      ok: (r) => redirectsTo(r, '/sign-in/check-email'),
    },
    {
      name: CODE,
      async run(p, notify, serverUp) {
        // The email with this sign-in's code: newer than any before we asked. An older code sent
        // late (a job from before a restart) is refused as replaced; then the next email has it.
        let seen = p.codesBefore;
        for (;;) {
          await waitFor(`a sign-in code for ${p.email}`, () => codesSentTo(notify, p.email).length > seen, { timeoutMs: 60_000, whileRunning: serverUp });
          const codes = codesSentTo(notify, p.email);
          seen = codes.length;
          const response = await p.visitor.post('/sign-in/check-email', { code: codes.at(-1) as string });
          if (response.status !== 400 || !response.body.includes('replaced by a newer one')) return response;
        }
      },
      ok: (r) => redirectsTo(r, '/complaints'),
    },
    { name: 'open the complaint', run: (p) => p.visitor.get(portalCase()), ok: (r) => r.status === 200 },
    {
      name: UPLOAD,
      run: (p) => p.visitor.upload(`${portalCase()}/documents`, { name: `letter-${p.n}.txt`, content: p.document, type: 'text/plain' }),
      ok: (r, p) => redirectsTo(r, portalCase()) && p.reference !== undefined,
      after: (_r, p) => {
        p.upload = 'succeeded';
      },
    },
  ];
}

/** Thrown when the service answered, but not as a working service does: a real failure. */
export class UnexpectedResponse extends Error {}

/**
 * Runs the person's remaining steps (or those before step `stopBefore`). A connection that fails (the server was killed) stops the
 * journey at that step, remembered as in flight; anything else unexpected throws.
 */
export async function continueJourney(person: Complainant, notify: FakeNotify, serverUp: () => boolean, options: { stopBefore?: number } = {}): Promise<void> {
  const all = steps(person);
  while (person.step < Math.min(all.length, options.stopBefore ?? all.length)) {
    const step = all[person.step] as Step;
    if (person.submission === 'still-sending' && step.name !== SUBMIT) return;
    if (step.name === UPLOAD && person.upload === 'in-flight') return; // not sent twice: its outcome is checked instead
    let response: HttpResponse;
    try {
      response = await step.run(person, notify, serverUp);
    } catch (error) {
      // Waiting for an email timed out while the server was up: a real failure.
      if (/Gave up waiting .* after/.test((error as Error).message)) throw error;
      person.interrupted.push(step.name);
      if (step.name === SUBMIT && person.submission !== 'succeeded') person.submission = 'in-flight';
      if (step.name === UPLOAD) person.upload = 'in-flight';
      return;
    }
    if (!step.ok(response, person)) {
      throw new UnexpectedResponse(`complainant ${person.n}, step "${step.name}": ${response.status} ${locationOf(response)} ${response.body.slice(0, 300)}`);
    }
    step.after?.(response, person);
    person.step += 1;
  }
}

/**
 * After a restart: go back to the step that was cut off. A sign-in that was cut off starts again
 * from asking for a code (the code may have been used, or its email may be waiting for a worker
 * that died); a submission cut off is sent again (it must not make a second case).
 */
export function resumeAfterRestart(person: Complainant, port: number): void {
  person.visitor.port = port;
  const all = steps(person);
  const at = all[person.step]?.name;
  if (at === SIGN_IN || at === CODE) person.step = all.findIndex((s) => s.name === 'open the sign-in page');
}
