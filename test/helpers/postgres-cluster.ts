/**
 * A throwaway PostgreSQL cluster of a test's own: `initdb` into a temporary folder, started on a
 * free port with its socket in that folder, so a test can stop and start it at will without
 * touching the machine's shared server. Removed by `destroy()`, and at the latest when the test
 * process exits.
 *
 * PostgreSQL refuses to run as root; as root (CI here), the cluster runs as the `postgres` user.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { chown, mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PostgresBinaries {
  initdb: string;
  pgCtl: string;
}

/** initdb and pg_ctl, from PG_BIN, Debian's /usr/lib/postgresql/<version>/bin (newest first), or the PATH. */
export function findPostgresBinaries(): PostgresBinaries | undefined {
  const folders: string[] = [];
  if (process.env.PG_BIN) folders.push(process.env.PG_BIN);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    folders.push(...versions.map((v) => join(debian, v, 'bin')));
  }
  folders.push(...(process.env.PATH ?? '').split(':').filter(Boolean));
  for (const folder of folders) {
    const initdb = join(folder, 'initdb');
    const pgCtl = join(folder, 'pg_ctl');
    if (existsSync(initdb) && existsSync(pgCtl)) return { initdb, pgCtl };
  }
  return undefined;
}

/** Why throwaway clusters cannot be made here, or undefined when they can. */
export function clusterUnavailableReason(): string | undefined {
  if (!findPostgresBinaries()) return 'initdb and pg_ctl were not found (install the PostgreSQL server package, or set PG_BIN)';
  if (process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres']).status !== 0) return 'running as root and there is no postgres user to run the cluster as';
  return undefined;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ThrowawayCluster {
  readonly port: number;
  readonly folder: string;
  /** A connection string for `database` (default postgres) as the superuser, over TCP on 127.0.0.1. */
  url(database?: string): string;
  /** Starts the server and waits until it accepts connections. */
  start(): Promise<void>;
  /**
   * Stops the server and waits until it has. 'fast' ends every session first (clients see
   * "terminating connection due to administrator command"); 'immediate' is a crash.
   */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Stops it if running and removes its folder. */
  destroy(): Promise<void>;
  /** The server's log so far, to explain a failure. */
  log(): Promise<string>;
}

const living = new Set<{ pgCtl: string; dataDir: string; folder: string; asPostgres: boolean }>();
let exitHandlerInstalled = false;

function asUser(asPostgres: boolean, command: string, args: string[]): [string, string[]] {
  return asPostgres ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function installExitHandler() {
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  // Last resort when a test dies without its afterAll: no cluster or folder is left behind.
  process.on('exit', () => {
    for (const cluster of living) {
      const [command, args] = asUser(cluster.asPostgres, cluster.pgCtl, ['-D', cluster.dataDir, '-m', 'immediate', '-w', 'stop']);
      spawnSync(command, args, { stdio: 'ignore' });
      rmSync(cluster.folder, { recursive: true, force: true });
    }
  });
}

/** initdb a new cluster in a temporary folder and start it on a free port. */
export async function startThrowawayCluster(): Promise<ThrowawayCluster> {
  const reason = clusterUnavailableReason();
  const binaries = findPostgresBinaries();
  if (reason || !binaries) throw new Error(`Cannot make a throwaway PostgreSQL cluster: ${reason}`);
  const asPostgres = process.getuid?.() === 0;
  const folder = await mkdtemp(join(tmpdir(), 'redress-cluster-'));
  if (asPostgres) {
    const uid = Number(spawnSync('id', ['-u', 'postgres']).stdout.toString().trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres']).stdout.toString().trim());
    await chown(folder, uid, gid);
  }
  const dataDir = join(folder, 'data');
  const logFile = join(folder, 'server.log');
  const port = await freePort();
  const record = { pgCtl: binaries.pgCtl, dataDir, folder, asPostgres };
  living.add(record);
  installExitHandler();
  const exec = async (command: string, args: string[]) => {
    const [file, argv] = asUser(asPostgres, command, args);
    try {
      await run(file, argv, { cwd: folder, timeout: 120_000 });
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(`${command} ${args.join(' ')} failed: ${e.stderr || e.message}\n${await readFile(logFile, 'utf8').catch(() => '')}`);
    }
  };
  await exec(binaries.initdb, ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync']);
  // Its own port and socket folder; fsync off because nothing here needs to survive a power cut.
  const options = `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  let running = false;

  const cluster: ThrowawayCluster = {
    port,
    folder,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async start() {
      await exec(binaries.pgCtl, ['-D', dataDir, '-o', options, '-l', logFile, '-w', '-t', '60', 'start']);
      running = true;
    },
    async stop(mode = 'fast') {
      await exec(binaries.pgCtl, ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
      running = false;
    },
    async destroy() {
      if (running) await cluster.stop('immediate').catch(() => undefined);
      living.delete(record);
      rmSync(folder, { recursive: true, force: true });
    },
    log: () => readFile(logFile, 'utf8').catch(() => ''),
  };
  try {
    await cluster.start();
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
  return cluster;
}
