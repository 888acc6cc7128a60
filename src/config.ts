import { resolve } from 'node:path';

/** Every setting Redress reads, read once from the environment. README "Configuration" lists them. */
export interface Config {
  port: number;
  host: string;
  production: boolean;
  /** PostgreSQL connection string; when absent, embedded PGlite stores its data in `dataDir`. */
  databaseUrl: string | undefined;
  /**
   * A PostgreSQL read replica (DATABASE_READ_URL) for reports and public statistics, which can
   * lag the primary a little; when absent they read from `databaseUrl`. Needs DATABASE_URL.
   */
  databaseReadUrl: string | undefined;
  /** Connections each process keeps to PostgreSQL (DATABASE_POOL_SIZE). */
  databasePoolSize: number;
  dataDir: string;
  filesDir: string;
  sessionSecret: string;
  referenceDir: string | undefined;
  demoCases: number;
  logLevel: string;
  apiKeys: string[];
  /** GOV.UK Notify API key; when absent, emails and texts stay in the local outbox (/staff/outbox). */
  notifyApiKey: string | undefined;
  /** JSON: each message's GOV.UK Notify template id, checked when the worker starts. */
  notifyTemplateIds: string | undefined;
  /** GOV.UK Notify's API address (NOTIFY_BASE_URL): only for pointing at a fake in tests. */
  notifyBaseUrl: string | undefined;
  /** The address people reach the service at, for links in emails (e.g. https://complain.example.org). */
  publicUrl: string | undefined;
  /**
   * On SIGTERM, how long requests and the job in hand get to finish before the process gives up
   * waiting and exits with an error (SHUTDOWN_GRACE_SECONDS). Keep it under the orchestrator's own
   * grace period (Kubernetes: 30 seconds), so that we, not a SIGKILL, decide what happens.
   */
  shutdownGraceMs: number;
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not "${text}"`);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const dataDir = resolve(env.DATA_DIR ?? './data');
  const sessionSecret = env.SESSION_SECRET ?? (production ? '' : 'development-only-session-secret-change-me!!');
  if (production && sessionSecret.length < 32) {
    throw new Error('SESSION_SECRET must be set to at least 32 characters in production');
  }
  const databaseUrl = env.DATABASE_URL || undefined;
  const databaseReadUrl = env.DATABASE_READ_URL || undefined;
  if (databaseReadUrl && !databaseUrl) {
    throw new Error('DATABASE_READ_URL names a read replica of the PostgreSQL database in DATABASE_URL: set DATABASE_URL too');
  }
  return {
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '0.0.0.0',
    production,
    databaseUrl,
    databaseReadUrl,
    databasePoolSize: Math.round(positiveNumber(env, 'DATABASE_POOL_SIZE', 10)),
    dataDir,
    filesDir: resolve(env.FILES_DIR ?? `${dataDir}/files`),
    sessionSecret,
    referenceDir: env.REDRESS_REFERENCE_DIR ? resolve(env.REDRESS_REFERENCE_DIR) : undefined,
    demoCases: Number(env.DEMO_CASES ?? 2000),
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    publicUrl: env.PUBLIC_URL?.replace(/\/$/, '') || undefined,
    apiKeys: (env.API_KEYS ?? '').split(',').map((k) => k.trim()).filter(Boolean),
    notifyApiKey: env.NOTIFY_API_KEY || undefined,
    notifyTemplateIds: env.NOTIFY_TEMPLATE_IDS || undefined,
    notifyBaseUrl: env.NOTIFY_BASE_URL || undefined,
    shutdownGraceMs: positiveNumber(env, 'SHUTDOWN_GRACE_SECONDS', 25) * 1000,
  };
}
