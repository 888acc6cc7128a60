import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../../src/config.ts';
import { upsertBodies } from '../../../src/data/repositories/bodies.ts';
import { createLogger } from '../../../src/logger.ts';
import { fixedClock } from '../../../src/services/clock.ts';
import { createStaffUser } from '../../../src/services/staff-accounts.ts';
import { fictionalDemoBodies } from '../../../src/services/reference-data/bodies-import.ts';
import { startSystem, type System } from '../../../src/system.ts';
import { buildApp } from '../../../src/web/app.ts';

export const E2E_PASSWORD = 'correct horse battery staple';

/** One person per role, all fictional. The browser journeys sign in as them through the sign-in page. */
export const e2eStaff = {
  intake: { email: 'ivy.intake@e2e.example', displayName: 'Ivy Intake', roles: ['intake'], team: null },
  assessor: { email: 'adam.assessor@e2e.example', displayName: 'Adam Assessor', roles: ['assessor'], team: 'assessment' },
  investigator: { email: 'ina.investigator@e2e.example', displayName: 'Ina Investigator', roles: ['investigator'], team: 'investigation' },
  manager: { email: 'meg.manager@e2e.example', displayName: 'Meg Manager', roles: ['team-manager'], team: 'investigation' },
  ombudsman: { email: 'olu.ombudsman@e2e.example', displayName: 'Olu Ombudsman', roles: ['ombudsman'], team: null },
  admin: { email: 'ada.admin@e2e.example', displayName: 'Ada Admin', roles: ['admin'], team: null },
} as const;
export type E2EStaffName = keyof typeof e2eStaff;

/** 09:00 on Monday 2 March 2026 in London (GMT): a working day well clear of bank holidays. */
export const E2E_START = new Date('2026-03-02T09:00:00Z');

export interface E2EServer {
  /** Where the browser starts, like `http://127.0.0.1:40123` (no trailing slash). */
  url: string;
  /** The system's clock: frozen, moved on only by the test (`clock.advance(ms)`, `clock.set(date)`). */
  clock: ReturnType<typeof fixedClock>;
  app: FastifyInstance;
  system: System;
  dataDir: string;
  staffIds: Record<E2EStaffName, number>;
  /** The fictional bodies, by name. */
  bodies: { id: number; name: string }[];
  close(): Promise<void>;
}

/**
 * The whole system in this process, as `redress serve` starts it (startSystem, then buildApp) but on
 * a fresh embedded PGlite database in a temporary DATA_DIR, on a free port of 127.0.0.1, with a
 * frozen clock. Creates one staff user per role and the fictional bodies. `close()` stops the
 * server, closes the database and removes the folder; it is safe to call more than once.
 *
 * Sign-in is rate limited to 10 attempts a minute from one address, and every browser here comes
 * from 127.0.0.1: a test file should start its own server and keep under 10 sign-in submissions.
 */
export async function startE2EServer(options: { now?: Date } = {}): Promise<E2EServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'redress-e2e-'));
  // Only what the browser tests need: an explicit environment, so a DATABASE_URL in the shell
  // can never point these tests at a real database.
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    SESSION_SECRET: 'an-end-to-end-test-session-secret-of-enough-length',
    LOG_LEVEL: 'silent',
  });
  const clock = fixedClock(options.now ?? E2E_START);
  let system: System | undefined;
  let app: FastifyInstance | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    try {
      await app?.close();
    } finally {
      try {
        await system?.close();
      } finally {
        await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
      }
    }
  };
  try {
    system = await startSystem(config, createLogger('silent'), clock);
    const services = system.services;
    const staffIds = {} as Record<E2EStaffName, number>;
    for (const [name, person] of Object.entries(e2eStaff)) {
      staffIds[name as E2EStaffName] = await createStaffUser(services, null, { ...person, roles: [...person.roles], password: E2E_PASSWORD });
    }
    await upsertBodies(services.db, fictionalDemoBodies());
    const bodies = await services.db.selectFrom('bodies').select(['id', 'name']).orderBy('name').execute();
    app = await buildApp({ config, services, holidays: system.holidays, logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('the server is not listening on a TCP port');
    return { url: `http://127.0.0.1:${address.port}`, clock, app, system, dataDir, staffIds, bodies, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

export const DAY = 24 * 3_600_000;
