import type { Kysely } from 'kysely';
import type { SessionStore } from '@fastify/session';
import type { Database } from '../../data/schema.ts';
import { deleteSession, readSessionWithStaff, writeSession, type SessionWithStaffRow } from '../../data/repositories/sessions.ts';

const EIGHT_HOURS = 8 * 3_600_000;

/** The signed-in caseworker's account as read with the session, for the request that read it. */
export interface StaffAccountRow {
  id: number;
  email: string;
  display_name: string;
  roles: string[];
  team: string | null;
  active: boolean;
}

/**
 * How long an account read with a session may wait for its request's preHandler. A request takes
 * its own read within the same few event-loop turns; an entry left behind (a request that failed
 * between reading the session and its preHandler) is never used after this, so nobody is served a
 * role or an active flag older than the request they are making.
 */
const HANDOFF_MS = 2_000;
/** Entries left behind are dropped wholesale past this many: a bound, not a cache. */
const HANDOFF_LIMIT = 10_000;

export interface DatabaseSessions {
  store: SessionStore;
  /**
   * The account the session's own read found for `staffId`, taken once: `undefined` when there is
   * none to take (read by a concurrent request with the same session, or too old), so the caller
   * reads the account itself; `null` when the read found no such account.
   */
  takeStaffAccount(sid: string, staffId: number): StaffAccountRow | null | undefined;
}

function accountOf(row: SessionWithStaffRow): StaffAccountRow | null {
  if (row.staff_id === null) return null;
  return {
    id: row.staff_id,
    email: row.staff_email as string,
    display_name: row.staff_display_name as string,
    roles: row.staff_roles as string[],
    team: row.staff_team,
    active: row.staff_active as boolean,
  };
}

/**
 * Sessions live in the database, the one state every copy of the server shares. Reading one also
 * reads the caseworker it names (one statement, not two), handed to the request's preHandler.
 */
export function databaseSessions(db: Kysely<Database>): DatabaseSessions {
  const handoff = new Map<string, { staffId: number; account: StaffAccountRow | null; at: number }>();
  return {
    store: {
      set(sid, session, callback) {
        const expires = session.cookie?.expires ? new Date(session.cookie.expires) : new Date(Date.now() + EIGHT_HOURS);
        writeSession(db, sid, session, expires).then(() => callback(), callback);
      },
      get(sid, callback) {
        readSessionWithStaff(db, sid, new Date()).then(
          (row) => {
            if (row) {
              const staffId = (row.data as { staffId?: unknown } | null)?.staffId;
              if (typeof staffId === 'number') {
                if (handoff.size >= HANDOFF_LIMIT) handoff.clear();
                handoff.set(sid, { staffId, account: accountOf(row), at: performance.now() });
              }
            }
            callback(null, (row?.data ?? null) as never);
          },
          (error) => callback(error),
        );
      },
      destroy(sid, callback) {
        handoff.delete(sid);
        deleteSession(db, sid).then(() => callback(), callback);
      },
    },
    takeStaffAccount(sid, staffId) {
      const entry = handoff.get(sid);
      if (!entry) return undefined;
      handoff.delete(sid);
      if (entry.staffId !== staffId || performance.now() - entry.at > HANDOFF_MS) return undefined;
      return entry.account;
    },
  };
}
