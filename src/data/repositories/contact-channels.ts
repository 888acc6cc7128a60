import { sql } from 'kysely';
import type { Db } from './cases.ts';

export interface ChannelMonth {
  month: string;
  channel: string;
  contacts: number;
}

/** Contacts received per London calendar month and channel, between two instants. */
export async function contactsByMonthAndChannel(db: Db, from: Date, to: Date): Promise<ChannelMonth[]> {
  const { rows } = await sql<ChannelMonth>`
    select to_char(received_at at time zone 'Europe/London', 'YYYY-MM') as month, channel, count(*)::int as contacts
      from contacts
     where received_at >= ${from} and received_at < ${to}
     group by 1, 2
     order by 1, 2`.execute(db);
  return rows.map((r) => ({ ...r, contacts: Number(r.contacts) }));
}
