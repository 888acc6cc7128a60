import { resolve } from 'node:path';

/** Every setting Redress reads, read once from the environment. README "Configuration" lists them. */
export interface Config {
  port: number;
  host: string;
  production: boolean;
  /** PostgreSQL connection string; when absent, embedded PGlite stores its data in `dataDir`. */
  databaseUrl: string | undefined;
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
  /** The address people reach the service at, for links in emails (e.g. https://complain.example.org). */
  publicUrl: string | undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const dataDir = resolve(env.DATA_DIR ?? './data');
  const sessionSecret = env.SESSION_SECRET ?? (production ? '' : 'development-only-session-secret-change-me!!');
  if (production && sessionSecret.length < 32) {
    throw new Error('SESSION_SECRET must be set to at least 32 characters in production');
  }
  return {
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '0.0.0.0',
    production,
    databaseUrl: env.DATABASE_URL || undefined,
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
  };
}
