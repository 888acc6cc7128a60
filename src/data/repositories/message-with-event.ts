import { sql } from 'kysely';
import type { Db } from './cases.ts';

/**
 * A complainant's message and its 'message-received' event on the case timeline, in one statement:
 * a statement is atomic on its own, so the pair needs no transaction, and the request makes one
 * round trip instead of four (begin, two inserts, commit). The facts are those
 * services/portal/messages.ts has always recorded: the message, its sender and their side.
 */
export async function insertComplainantMessageWithEvent(
  db: Db,
  message: { caseId: number; fromPersonId: number; from: string; at: Date; text: string },
): Promise<number> {
  const result = await sql<{ id: number }>`
    with inserted as (
      insert into messages (case_id, from_person_id, from_staff_id, sent_at, body_text)
      values (${message.caseId}, ${message.fromPersonId}, null, ${message.at}, ${message.text})
      returning id
    ), event as (
      insert into case_events (case_id, kind, occurred_at, actor_id, facts, detail_text)
      select ${message.caseId}, 'message-received', ${message.at}, null,
             jsonb_build_object('messageId', inserted.id, 'fromPersonId', ${message.fromPersonId}::integer, 'from', ${message.from}::text), ${message.text}
        from inserted
    )
    select id from inserted`.execute(db);
  const row = result.rows[0];
  if (!row) throw new Error('The message was not stored');
  return Number(row.id);
}
