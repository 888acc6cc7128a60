import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../helpers/databases.ts';
import type { TestApp } from '../helpers/app.ts';
import { complaintUrl, createPortalTestApp, errorSummaryOf, escapeHtml, eventsOf, isPortalNotFound, notificationsTo, PortalClient, registerPortalCase, staffMessagesUrl, titleOf } from './helpers.ts';

describe.each(testEngines)('messages between complainant and caseworker (%s)', (engine) => {
  let t: TestApp;
  let pat: PortalClient;
  let rep: PortalClient;
  let investigator: PortalClient;
  let reference = '';
  let patId = 0;
  let repId = 0;

  beforeAll(async () => {
    t = await createPortalTestApp(engine);
    reference = await registerPortalCase(t, { email: 'pat@example.com', fullName: 'Pat Person', representative: { fullName: 'Rita Rep', email: 'rita@advice.example' } });
    const row = await t.database.db.selectFrom('cases').select(['complainant_id', 'representative_id']).where('reference', '=', reference).executeTakeFirstOrThrow();
    patId = row.complainant_id as number;
    repId = row.representative_id as number;
    pat = await new PortalClient(t.app).signIn(t, 'pat@example.com');
    rep = await new PortalClient(t.app).signIn(t, 'rita@advice.example');
    investigator = await new PortalClient(t.app).signInAsStaff('investigator');
  });
  afterAll(async () => t?.dispose());

  async function messages() {
    return t.database.db.selectFrom('messages').selectAll().orderBy('id').execute();
  }

  it('lets the complainant send a message, kept on the thread and the case timeline', async () => {
    await pat.get(complaintUrl(reference));
    const text = 'I have found the letter the council sent me.\nIt is dated 1 February.';
    const response = await pat.post(complaintUrl(reference, 'messages'), { message: `  ${text}  ` });
    expect({ status: response.statusCode, location: response.headers.location }).toEqual({ status: 303, location: `${complaintUrl(reference)}#messages` });
    const [message] = await messages();
    expect(message).toMatchObject({ from_person_id: patId, from_staff_id: null, body_text: text, read_at: null });
    const event = (await eventsOf(t, reference)).at(-1);
    expect(event).toMatchObject({ kind: 'message-received', actor_id: null, detail_text: text });
    expect(event?.facts).toMatchObject({ messageId: message?.id, fromPersonId: patId, from: 'complainant' });

    const page = await pat.get(complaintUrl(reference));
    expect(page.body).toContain('Your message has been sent');
    expect(page.body).toContain(escapeHtml(text));
    expect(page.body).toContain('moj-message-item--sent');
    // Shown once: the banner goes after one look.
    expect((await pat.get(complaintUrl(reference))).body).not.toContain('Your message has been sent');
  });

  it('lets the representative write on the same thread', async () => {
    await rep.get(complaintUrl(reference));
    const response = await rep.post(complaintUrl(reference, 'messages'), { message: 'I act for Pat. Please copy me in.' });
    expect(response.statusCode).toBe(303);
    expect((await messages()).at(-1)).toMatchObject({ from_person_id: repId });
    expect((await eventsOf(t, reference)).at(-1)?.facts).toMatchObject({ from: 'representative' });
    const page = await pat.get(complaintUrl(reference));
    expect(page.body).toContain('Rita Rep');
  });

  it('checks the message, keeping what was typed', async () => {
    const before = await messages();
    await pat.get(complaintUrl(reference));
    const empty = await pat.post(complaintUrl(reference, 'messages'), { message: '   ' });
    expect(empty.statusCode).toBe(400);
    expect(titleOf(empty.body)).toBe(`Error: Complaint ${reference} - Complain to the Ombudsman`);
    expect(errorSummaryOf(empty.body)).toEqual([{ href: '#message', text: 'Enter your message' }]);
    const long = 'x'.repeat(5_001);
    const tooLong = await pat.post(complaintUrl(reference, 'messages'), { message: long });
    expect(errorSummaryOf(tooLong.body)).toEqual([{ href: '#message', text: 'Your message must be 5,000 characters or fewer' }]);
    expect(tooLong.body).toContain(long);
    const noToken = await pat.post(complaintUrl(reference, 'messages'), { message: 'Hello' }, { csrf: false });
    expect(noToken.statusCode).toBe(403);
    expect(await messages()).toEqual(before);
  });

  it('shows staff the thread, marking the complainant’s messages read', async () => {
    const page = await investigator.get(staffMessagesUrl(reference));
    expect(page.statusCode).toBe(200);
    expect(titleOf(page.body)).toBe(`Messages for case ${reference} - Redress`);
    expect(page.body).toContain('I have found the letter the council sent me.');
    expect(page.body).toContain('Pat Person');
    expect(page.body).toContain('>New</strong>');
    expect(page.body).toContain('moj-message-item--received');
    expect((await messages()).every((m) => m.read_at !== null)).toBe(true);
    expect((await investigator.get(staffMessagesUrl(reference))).body).not.toContain('>New</strong>');
  });

  it('lets a caseworker reply: thread, timeline, and a new-message notification to complainant and representative', async () => {
    await investigator.get(staffMessagesUrl(reference));
    const text = 'Thank you. Please upload a copy of the letter.';
    const response = await investigator.post(staffMessagesUrl(reference), { message: text });
    expect({ status: response.statusCode, location: response.headers.location }).toEqual({ status: 303, location: staffMessagesUrl(reference) });
    const reply = (await messages()).at(-1);
    expect(reply).toMatchObject({ from_staff_id: t.staffIds.investigator, from_person_id: null, body_text: text, read_at: null });
    const event = (await eventsOf(t, reference)).at(-1);
    expect(event).toMatchObject({ kind: 'message-sent', actor_id: t.staffIds.investigator, detail_text: text });
    const sent = await notificationsTo(t, 'new-message');
    expect(sent.map((n) => [n.person_id, n.channel, n.recipient])).toEqual([[patId, 'email', 'pat@example.com'], [repId, 'email', 'rita@advice.example']]);
    expect(sent[0]?.personalisation).toEqual({ reference });
    expect((await investigator.get(staffMessagesUrl(reference))).body).toContain('Message sent');

    // The complainant sees it as new in their list, then reading the case marks it read.
    const list = await pat.get('/complaints');
    expect(list.body).toContain('1 new message');
    const page = await pat.get(complaintUrl(reference));
    expect(page.body).toContain(escapeHtml(text));
    expect(page.body).toContain('Ina Investigator');
    expect((await messages()).at(-1)?.read_at).not.toBeNull();
    expect((await pat.get('/complaints')).body).not.toContain('new message');
  });

  it('checks the reply and keeps what was typed', async () => {
    const before = await messages();
    await investigator.get(staffMessagesUrl(reference));
    const empty = await investigator.post(staffMessagesUrl(reference), { message: '' });
    expect(empty.statusCode).toBe(400);
    expect(errorSummaryOf(empty.body)).toEqual([{ href: '#message', text: 'Enter your reply' }]);
    const noToken = await investigator.post(staffMessagesUrl(reference), { message: 'Hi' }, { csrf: false });
    expect(noToken.statusCode).toBe(403);
    expect(await messages()).toEqual(before);
  });

  it('keeps the staff page for signed-in caseworkers', async () => {
    const stranger = new PortalClient(t.app);
    const response = await stranger.get(staffMessagesUrl(reference));
    expect([302, 303]).toContain(response.statusCode);
    expect(response.headers.location).toBe(`/staff/sign-in?returnTo=${encodeURIComponent(staffMessagesUrl(reference))}`);
    // A complainant's portal session is not a staff session.
    const asComplainant = await pat.get(staffMessagesUrl(reference));
    expect(asComplainant.headers.location).toContain('/staff/sign-in');
    const before = await messages();
    const posted = await pat.post(staffMessagesUrl(reference), { message: 'Pretending to be staff' });
    expect(posted.headers.location).toContain('/staff/sign-in');
    expect(await messages()).toEqual(before);
    // An administrator may read but not write to complainants.
    const admin = await new PortalClient(t.app).signInAsStaff('admin');
    const page = await admin.get(staffMessagesUrl(reference));
    expect(page.body).toContain('Only caseworkers can reply to complainants.');
    const refused = await admin.post(staffMessagesUrl(reference), { message: 'Hello' });
    expect(refused.statusCode).toBe(403);
    expect(await messages()).toEqual(before);
    expect((await investigator.get(staffMessagesUrl('99 999 999'))).statusCode).toBe(404);
  });

  it('keeps each thread to its own case', async () => {
    const otherReference = await registerPortalCase(t, { email: 'other@example.com', fullName: 'Other Person' });
    const page = await investigator.get(staffMessagesUrl(otherReference));
    expect(page.body).toContain('No messages yet.');
    const other = await new PortalClient(t.app).signIn(t, 'other@example.com');
    const theirs = await other.get(complaintUrl(otherReference));
    expect(theirs.body).not.toContain('I have found the letter');
    expect(isPortalNotFound(await other.get(complaintUrl(reference)))).toBe(true);
  });
});
