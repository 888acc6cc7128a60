import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../helpers/databases.ts';
import type { TestApp } from '../helpers/app.ts';
import { addOfficer, bodyName, caseWithEnquiry, createBodiesTestApp } from './helpers.ts';

// Sending an enquiry is the moment a body's link officer has work: they hear of it by email.
describe.each(testEngines)('an enquiry sent to a body emails its link officers (%s)', (engine) => {
  let t: TestApp;
  beforeAll(async () => { t = await createBodiesTestApp(engine); });
  afterAll(async () => t?.dispose());

  const emailsTo = (address: string) =>
    t.database.db.selectFrom('notifications').selectAll().where('recipient', '=', address).where('template', '=', 'enquiry-sent-to-body').execute();

  it('queues one email to each active link officer of that body, naming the case, body and due date, and none to other bodies', async () => {
    await addOfficer(t, 0, { email: 'first.officer@mockford.example', fullName: 'First Officer' });
    await addOfficer(t, 0, { email: 'second.officer@mockford.example', fullName: 'Second Officer' });
    await addOfficer(t, 1, { email: 'other.body@elsewhere.example', fullName: 'Other Body' });
    const { reference } = await caseWithEnquiry(t, 0);

    const [first] = await emailsTo('first.officer@mockford.example');
    expect(first?.personalisation).toMatchObject({ reference, bodyName: await bodyName(t, 0) });
    expect(String((first?.personalisation as Record<string, string>).dueOn)).toMatch(/^\d{1,2} \w+ \d{4}$/);
    expect(await emailsTo('second.officer@mockford.example')).toHaveLength(1);
    expect(await emailsTo('other.body@elsewhere.example')).toHaveLength(0);
  });
});
