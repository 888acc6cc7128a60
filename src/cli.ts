import { Command } from 'commander';
import { loadConfig, type Config } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { startSystem, type System } from './system.ts';
import { buildApp } from './web/app.ts';
import { countBodies, upsertBodies } from './data/repositories/bodies.ts';
import { BodiesSourceError, fictionalDemoBodies, importBodies } from './services/reference-data/bodies-import.ts';
import { createStaffUser } from './services/staff-accounts.ts';
import { AppError } from './services/errors.ts';
import { demoStaff, seedDemoData, DEMO_PASSWORD } from './services/demo-seed.ts';
import { seedDemoAccountability } from './services/demo-accountability.ts';
import { BoundariesSourceError, importBoundaries } from './services/reference-data/boundaries-import.ts';
import { registerImportCommands } from './cli-imports.ts';
import { registerReportCommands } from './cli-report.ts';
import { registerBoundaryCommands } from './cli-boundaries.ts';
import { BackupError, registerBackupCommands } from './cli-backup.ts';
import { DataDirInUseError } from './data/db.ts';
import { startWorker, type RunningWorker } from './jobs/worker.ts';
import { jobHandlers, scheduleRecurringJobs } from './jobs/handlers.ts';
import { createNotifier } from './notify/create-notifier.ts';

async function withSystem<T>(work: (system: System, config: Config, log: Logger) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const system = await startSystem(config, log);
  try {
    return await work(system, config, log);
  } finally {
    await system.close();
  }
}

/** Loads councils: the reference folder, else the publisher, else clearly fictional demo bodies. */
async function ensureBodies(system: System, config: Config, log: Logger): Promise<void> {
  if ((await countBodies(system.database.db)) > 0) return;
  try {
    const result = await importBodies({ db: system.database.db, referenceDir: config.referenceDir, log });
    log.info({ source: result.source, councils: result.councils }, 'councils imported');
  } catch (error) {
    if (!(error instanceof BodiesSourceError)) throw error;
    await upsertBodies(system.database.db, fictionalDemoBodies());
    log.warn({ reason: error.message }, 'no council reference data available: using a few clearly fictional councils for the demo');
  }
}

/**
 * Loads council boundaries for the map on first run when the reference folder has them; without
 * them the map says how to import them. Never downloads at start-up.
 */
async function ensureBoundaries(system: System, config: Config, log: Logger): Promise<void> {
  if (!config.referenceDir) return;
  const db = system.database.db;
  if (await db.selectFrom('body_boundaries').select('body_id').limit(1).executeTakeFirst()) return;
  if (!(await db.selectFrom('bodies').select('id').where('fictional', '=', false).limit(1).executeTakeFirst())) return;
  try {
    const result = await importBoundaries({ db, referenceDir: config.referenceDir, now: system.services.clock.now() });
    log.info({ matched: result.matched, unmatched: result.unmatched.length }, 'council boundaries imported');
  } catch (error) {
    if (!(error instanceof BoundariesSourceError)) throw error;
    log.warn({ reason: error.message }, 'no council boundaries in the reference folder: the map is empty until `redress import boundaries`');
  }
}

/**
 * Starts the background job worker (notifications, reminders) on the shared database. The notifier
 * is built first, so a GOV.UK Notify misconfiguration stops start-up with a clear message.
 */
async function runWorker(system: System, config: Config, log: Logger): Promise<RunningWorker> {
  const notifier = createNotifier(config);
  if (config.production && notifier.name === 'local-outbox') log.warn('NOTIFY_API_KEY is not set: emails and texts are kept in the outbox at /staff/outbox, not sent');
  await scheduleRecurringJobs(system.services);
  return startWorker({ db: system.database.db, handlers: jobHandlers(system.services, notifier), clock: system.services.clock, log, pollMs: 1_000 });
}

/**
 * Stops cleanly on SIGTERM (what orchestrators send) or SIGINT (Ctrl-C): `stop` stops taking new
 * work and lets work in hand finish, then the database is closed and the process exits 0. Should
 * that take longer than SHUTDOWN_GRACE_SECONDS, or fail, it exits 1 saying so; a second signal
 * exits at once. Work cut short is safe: requests are transactions, and a job still running when
 * the worker's part of the grace period ends is given back for another worker (see src/jobs/worker.ts).
 */
/**
 * How long a stopping worker waits for the job in hand before giving it back for another worker:
 * two seconds inside SHUTDOWN_GRACE_SECONDS, so giving it back and closing the database happen
 * before the grace period's exit.
 */
function jobGraceMs(config: Config): number {
  return Math.max(0, config.shutdownGraceMs - 2_000);
}

function stopOnSignal(system: System, config: Config, log: Logger, what: string, stop: () => Promise<unknown>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal while shutting down: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal, graceSeconds: config.shutdownGraceMs / 1000 }, `shutting down: ${what}`);
    const timer = setTimeout(() => {
      log.error({ graceSeconds: config.shutdownGraceMs / 1000 }, 'shutdown took longer than SHUTDOWN_GRACE_SECONDS: exiting with work unfinished');
      process.exit(1);
    }, config.shutdownGraceMs);
    timer.unref();
    stop()
      .then(() => system.close())
      .then(
        () => {
          log.info('stopped');
          process.exit(0);
        },
        (error: unknown) => {
          log.error({ error: error instanceof Error ? error.message : String(error) }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/**
 * Serves the web application (and runs `worker` beside it, for `start`). On SIGTERM the server
 * stops accepting connections, answers requests already received (Fastify closes idle
 * keep-alive connections and answers 503 with "Connection: close" to a new request on a busy
 * one), and the worker finishes the job in hand and gives back any others it had taken.
 */
async function serve(system: System, config: Config, log: Logger, worker?: RunningWorker): Promise<void> {
  const app = await buildApp({ config, services: system.services, holidays: system.holidays, logger: log });
  stopOnSignal(system, config, log, 'finishing requests in progress and the job in hand', () => Promise.all([app.close(), worker?.stop({ graceMs: jobGraceMs(config) })]));
  await app.listen({ port: config.port, host: config.host });
}

const program = new Command();
program.name('redress').description('Redress: casework for ombudsman schemes');

program
  .command('start')
  .description('migrate, load councils and demo data on first run, then serve (what `npm start` runs)')
  .action(async () => {
    const config = loadConfig();
    const log = createLogger(config.logLevel);
    const system = await startSystem(config, log);
    await ensureBodies(system, config, log);
    await ensureBoundaries(system, config, log);
    const seeded = await seedDemoData({ db: system.database.db, calendar: system.holidays.get(), now: system.services.clock.now(), cases: config.demoCases, log, onlyIfEmpty: true });
    const linkOfficers = await seedDemoAccountability(system.database.db, system.services.clock.now(), log);
    const worker = await runWorker(system, config, log);
    await serve(system, config, log, worker);
    const url = `http://localhost:${config.port}`;
    process.stdout.write(
      `\nRedress is running at ${url}\n` +
        `${seeded.cases ? `Demo data: ${seeded.cases} cases created.\n` : ''}` +
        `Sign in at ${url}/staff/sign-in with any of these demo accounts (password: ${DEMO_PASSWORD}):\n` +
        demoStaff.map((s) => `  ${s.email.padEnd(34)} ${s.roles.join(', ')}`).join('\n') +
        (linkOfficers[0]
          ? `\nA council's link officer signs in at ${url}/bodies/sign-in as ${linkOfficers[0].email} (${linkOfficers[0].bodyName}); ` +
            `the emailed code is in the outbox at ${url}/staff/outbox.\n`
          : '\n') +
        `The public pages (council figures, map, decisions, reports, open data) start at ${url}/councils.\n\n`,
    );
  });

program.command('serve').description('serve the web application (production: many copies)').action(async () => {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  await serve(await startSystem(config, log), config, log);
});

program.command('worker').description('run background jobs: emails, texts and reminders (production: one or more copies)').action(async () => {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const system = await startSystem(config, log);
  const worker = await runWorker(system, config, log);
  stopOnSignal(system, config, log, 'finishing the job in hand', () => worker.stop({ graceMs: jobGraceMs(config) }));
});

program.command('migrate').description('bring the database schema up to date').action(() => withSystem(async () => undefined));

program
  .command('seed')
  .description('create demo staff accounts and demo cases')
  .option('--cases <n>', 'how many demo cases', (v) => Number(v), 2000)
  .action((options: { cases: number }) =>
    withSystem(async (system, config, log) => {
      await ensureBodies(system, config, log);
      const result = await seedDemoData({ db: system.database.db, calendar: system.holidays.get(), now: system.services.clock.now(), cases: options.cases, log });
      process.stdout.write(`Seeded ${result.cases} cases and ${result.staff} staff accounts.\n`);
    }),
  );

program
  .command('create-user')
  .description('create a staff account')
  .requiredOption('--email <email>')
  .requiredOption('--name <name>', 'display name')
  .requiredOption('--roles <roles>', 'comma-separated: intake,assessor,investigator,team-manager,ombudsman,admin')
  .option('--team <team>', 'assessment, investigation or joint')
  .option('--password <password>', 'at least 12 characters (default: read from REDRESS_PASSWORD)')
  .action((options: { email: string; name: string; roles: string; team?: string; password?: string }) =>
    withSystem(async (system) => {
      const id = await createStaffUser(system.services, null, {
        email: options.email, displayName: options.name, roles: options.roles.split(',').map((r) => r.trim()),
        team: options.team ?? null, password: options.password ?? process.env.REDRESS_PASSWORD ?? '',
      });
      process.stdout.write(`Created staff account ${id} for ${options.email}\n`);
    }),
  );

const importCommand = program.command('import').description('load reference data and history');
importCommand
  .command('bodies [file]')
  .description('councils from the mySociety CSV: a file, REDRESS_REFERENCE_DIR, or the publisher')
  .action((file: string | undefined) =>
    withSystem(async (system, config, log) => {
      const result = await importBodies({ db: system.database.db, file, referenceDir: config.referenceDir, log });
      process.stdout.write(`Imported ${result.councils} councils from ${result.source}: ${result.inserted} new, ${result.updated} updated, ${result.unchanged} unchanged; ${result.skipped.length} rows skipped.\n`);
    }),
  );

registerImportCommands(importCommand, withSystem);
registerBoundaryCommands(importCommand, withSystem);
registerReportCommands(program, withSystem);
registerBackupCommands(program, withSystem);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof AppError) {
    const details = Object.values(error.fields).filter((m) => m !== error.message);
    process.stderr.write(`${error.message}\n${details.map((m) => `  - ${m}\n`).join('')}`);
  } else if (error instanceof BackupError || error instanceof DataDirInUseError) {
    // Said in words for whoever typed the command; no stack trace.
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
