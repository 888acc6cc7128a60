import type { Kysely } from 'kysely';
import type { SessionStore } from '@fastify/session';
import type { Database } from '../../data/schema.ts';
import { deleteSession, readSession, writeSession } from '../../data/repositories/sessions.ts';

const EIGHT_HOURS = 8 * 3_600_000;

/** Sessions live in the database, the one state every copy of the server shares. */
export function databaseSessionStore(db: Kysely<Database>): SessionStore {
  return {
    set(sid, session, callback) {
      const expires = session.cookie?.expires ? new Date(session.cookie.expires) : new Date(Date.now() + EIGHT_HOURS);
      writeSession(db, sid, session, expires).then(() => callback(), callback);
    },
    get(sid, callback) {
      readSession(db, sid, new Date()).then((data) => callback(null, (data ?? null) as never), (error) => callback(error));
    },
    destroy(sid, callback) {
      deleteSession(db, sid).then(() => callback(), callback);
    },
  };
}
