/**
 * Redress as the operator runs it: `node --import tsx src/cli.ts <command>` in a child process,
 * with its own environment, so a test can send it real HTTP, SIGTERM or SIGKILL. Every child is
 * killed when the test process exits, whatever happened to the test.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../helpers/postgres-cluster.ts';
import { request } from './http-client.ts';

const root = join(import.meta.dirname, '..', '..');
const children = new Set<ChildProcess>();
let exitHandlerInstalled = false;

export const TEST_SESSION_SECRET = 'resilience-tests-session-secret-of-32-chars-or-more';

export interface RedressProcess {
  readonly command: 'serve' | 'worker' | 'start';
  readonly port: number;
  readonly pid: number;
  /** Everything it has printed (pino's JSON lines), to explain a failure. */
  output(): string;
  /** True once its output contains `text`. */
  printed(text: string): boolean;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** Sends a signal; SIGKILL is the crash, SIGTERM the orchestrator's polite stop. */
  signal(signal: NodeJS.Signals): void;
  /** SIGKILL, if still running, and wait for the end. */
  kill(): Promise<void>;
}

/**
 * Kills every Redress process this test file started and has not seen end: for afterAll, so a
 * process started beside one that failed to start is not left running.
 */
export async function killAllStarted(): Promise<void> {
  const running = [...children];
  for (const child of running) child.kill('SIGKILL');
  await Promise.all(running.map((child) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())))));
}

/** This process's environment without the settings a test must choose itself. */
function cleanEnvironment(): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(DATABASE_|NOTIFY_|TEST_DATABASE_URL|DATA_DIR|FILES_DIR|PORT|HOST|VITEST|NODE_ENV|DEMO_CASES)/.test(key)));
}

function installExitHandler() {
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  process.on('exit', () => {
    for (const child of children) child.kill('SIGKILL');
  });
}

/**
 * Starts `command` with `env` on top of a clean environment (no DATABASE_URL, no Notify key
 * unless given), listening on 127.0.0.1 on a free port; waits until /health answers 200 (serve,
 * start) or the job worker says it started (worker).
 */
export async function startRedress(command: RedressProcess['command'], env: Record<string, string | undefined>, options: { readyTimeoutMs?: number } = {}): Promise<RedressProcess> {
  installExitHandler();
  const port = Number(env.PORT ?? (await freePort()));
  const inherited = cleanEnvironment();
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli.ts'), command], {
    cwd: root,
    env: { ...inherited, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', SESSION_SECRET: TEST_SESSION_SECRET, DEMO_CASES: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  let ended: number | string | undefined;
  void exited.then((how) => (ended = how));

  const process_: RedressProcess = {
    command,
    port,
    pid: child.pid as number,
    output: () => output,
    printed: (text) => output.includes(text),
    exited,
    signal: (signal) => {
      child.kill(signal);
    },
    async kill() {
      if (ended === undefined) child.kill('SIGKILL');
      await exited;
    },
  };

  const ready = command === 'worker' ? async () => output.includes('job worker started') : async () => (await request(port, { path: '/health' }).catch(() => undefined))?.status === 200;
  try {
    await waitFor(`${command} to be ready`, ready, { timeoutMs: options.readyTimeoutMs ?? 120_000, whileRunning: () => ended === undefined });
  } catch (error) {
    await process_.kill();
    throw new Error(`${(error as Error).message}\n--- output of redress ${command} ---\n${output.slice(-4000)}`);
  }
  return process_;
}

/**
 * Polls `condition` until it is true; fails after `timeoutMs` (or as soon as `whileRunning`
 * says the thing waited on has gone) saying what was awaited. No fixed sleeps in the tests.
 */
export async function waitFor(what: string, condition: () => Promise<boolean> | boolean, options: { timeoutMs?: number; intervalMs?: number; whileRunning?: () => boolean } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (await condition()) return;
    if (options.whileRunning && !options.whileRunning()) throw new Error(`Gave up waiting for ${what}: the process ended`);
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what} after ${options.timeoutMs ?? 60_000} ms`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

/** Runs a one-off command (`npx redress backup …`) to the end: its exit code and what it printed. */
export function runRedress(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli.ts'), ...args], { cwd: root, env: { ...cleanEnvironment(), LOG_LEVEL: 'warn', ...env }, timeout: 300_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}
