import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Command } from 'commander';
import { loadConfig } from './config.ts';
import { lockDataDir } from './data/db.ts';
import type { WithSystem } from './cli-imports.ts';

/**
 * Backup and restore of the embedded database (PGlite) with its documents, as one `.tar` file:
 *
 *   database.tar.gz       PGlite's own copy of its data folder (`dumpDataDir`)
 *   files/…               every document, as stored (FILES_DIR)
 *   redress-backup.json   what is in it, with a SHA-256 of each part, written last
 *
 * Both need the server stopped: PGlite is PostgreSQL inside the server's process, and a second
 * process must not open its folder (the lock in src/data/db.ts refuses). A restore checks every
 * part against the list before it touches anything, and moves what was there aside rather than
 * deleting it. PostgreSQL is backed up with its own tools instead: see docs/operations.md.
 */

export const BACKUP_FORMAT = 'redress-backup';
export const BACKUP_VERSION = 1;
const MANIFEST = 'redress-backup.json';
const DATABASE = 'database.tar.gz';
const FILES = 'files';

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  engine: 'pglite';
  pgliteVersion: string;
  database: { name: string; size: number; sha256: string };
  files: { name: string; size: number; sha256: string }[];
}

export interface EmbeddedLocation {
  /** PGlite's folder: DATA_DIR/pglite. */
  dataDir: string;
  /** Documents: FILES_DIR. */
  filesDir: string;
}

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

const stamp = (at: Date) => at.toISOString().replace(/[:.]/g, '-');

/** Writes a backup file into `toDir`; returns its path and what it holds. */
export async function backupEmbedded(location: EmbeddedLocation, toDir: string, now = new Date()): Promise<{ file: string; manifest: BackupManifest }> {
  const dataDir = resolve(location.dataDir);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) throw new BackupError(`There is no embedded database in ${dataDir} to back up.`);
  const lock = lockDataDir(dataDir);
  await mkdir(toDir, { recursive: true });
  const file = join(resolve(toDir), `redress-backup-${stamp(now)}.tar`);
  const partial = `${file}.partial`;
  const out = await open(partial, 'wx');
  try {
    const pglite = new PGlite({ dataDir });
    let database: Buffer;
    try {
      database = Buffer.from(await (await pglite.dumpDataDir('gzip')).arrayBuffer());
    } finally {
      await pglite.close();
    }
    const writer = tarWriter(out);
    await writer.add(DATABASE, database);
    const files: BackupManifest['files'] = [];
    for (const path of await listFiles(location.filesDir)) {
      const name = `${FILES}/${relative(location.filesDir, path).split(sep).join('/')}`;
      files.push({ name, ...(await writer.addFile(name, path)) });
    }
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: now.toISOString(), engine: 'pglite', pgliteVersion: await pgliteVersion(),
      database: { name: DATABASE, size: database.length, sha256: sha256(database) }, files,
    };
    await writer.add(MANIFEST, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
    await writer.end();
    await out.sync();
    await out.close();
    // Renamed only when complete: a file with the final name is always a whole backup.
    await rename(partial, file);
    return { file, manifest };
  } catch (error) {
    await out.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  } finally {
    lock.release();
  }
}

/**
 * Restores a backup made by `backupEmbedded`. Refuses when a database is already there unless
 * `replace`, which moves the database and documents aside (`…before-restore-<time>`) first.
 */
export async function restoreEmbedded(file: string, location: EmbeddedLocation, options: { replace?: boolean; now?: Date } = {}): Promise<{ manifest: BackupManifest; movedAside: string[] }> {
  const dataDir = resolve(location.dataDir);
  const filesDir = resolve(location.filesDir);
  const now = options.now ?? new Date();
  const lock = lockDataDir(dataDir);
  const stagingDb = `${dataDir}.restoring-${stamp(now)}`;
  const stagingFiles = `${filesDir}.restoring-${stamp(now)}`;
  try {
    const occupied = existsSync(join(dataDir, 'PG_VERSION'));
    if (occupied && !options.replace) {
      throw new BackupError(`${dataDir} already holds a database. Run again with --replace to move it (and the documents) aside and restore the backup in their place.`);
    }
    // 1. Unpack beside the targets and check every part against the list.
    const manifest = await unpack(file, stagingDb, stagingFiles);
    // 2. Let PGlite rebuild its folder from its copy, and check it opens.
    const database = await readFile(`${stagingDb}.tar.gz`);
    await mkdir(stagingDb, { recursive: true });
    const pglite = new PGlite({ dataDir: stagingDb, loadDataDir: new Blob([database]) });
    try {
      await pglite.query('select 1');
    } finally {
      await pglite.close();
    }
    await rm(`${stagingDb}.tar.gz`, { force: true });
    // 3. Only now touch what is there: aside, then the restored copy into place.
    const movedAside: string[] = [];
    for (const target of [dataDir, filesDir]) {
      if (!existsSync(target)) continue;
      const aside = `${target}.before-restore-${stamp(now)}`;
      await rename(target, aside);
      movedAside.push(aside);
    }
    await mkdir(dirname(dataDir), { recursive: true });
    await rename(stagingDb, dataDir);
    await mkdir(dirname(filesDir), { recursive: true });
    await moveDir(stagingFiles, filesDir);
    return { manifest, movedAside };
  } catch (error) {
    await rm(stagingDb, { recursive: true, force: true });
    await rm(`${stagingDb}.tar.gz`, { force: true });
    await rm(stagingFiles, { recursive: true, force: true });
    throw error;
  } finally {
    lock.release();
  }
}

async function unpack(file: string, stagingDb: string, stagingFiles: string): Promise<BackupManifest> {
  const found = new Map<string, { size: number; sha256: string }>();
  let manifestText: string | undefined;
  await mkdir(stagingFiles, { recursive: true });
  await readTar(file, async (name) => {
    if (name === MANIFEST) return { collect: (content) => (manifestText = content.toString('utf8')) };
    if (name === DATABASE) return { path: `${stagingDb}.tar.gz`, done: (digest) => found.set(name, digest) };
    if (name.startsWith(`${FILES}/`) && safeRelativePath(name.slice(FILES.length + 1))) {
      return { path: join(stagingFiles, ...name.slice(FILES.length + 1).split('/')), done: (digest) => found.set(name, digest) };
    }
    throw new BackupError(`${file} is not a Redress backup: it holds ${JSON.stringify(name)}.`);
  });
  if (manifestText === undefined) throw new BackupError(`${file} is not a whole Redress backup: the list of its contents (${MANIFEST}) is missing.`);
  const manifest = JSON.parse(manifestText) as BackupManifest;
  if (manifest.format !== BACKUP_FORMAT || manifest.version !== BACKUP_VERSION) throw new BackupError(`${file} is not a Redress backup of a version this program can restore.`);
  const problems: string[] = [];
  for (const expected of [manifest.database, ...manifest.files]) {
    const got = found.get(expected.name);
    if (!got) problems.push(`${expected.name} is missing`);
    else if (got.sha256 !== expected.sha256 || got.size !== expected.size) problems.push(`${expected.name} is damaged (its checksum does not match)`);
    found.delete(expected.name);
  }
  for (const extra of found.keys()) problems.push(`${extra} is not in the list`);
  if (problems.length) throw new BackupError(`${file} cannot be restored: ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? ` and ${problems.length - 10} more` : ''}.`);
  return manifest;
}

/** A path inside the files folder: no absolute paths, no "..", nothing that climbs out. */
function safeRelativePath(path: string): boolean {
  return path.length > 0 && !path.startsWith('/') && path.split('/').every((part) => part !== '' && part !== '.' && part !== '..' && !part.includes('\\'));
}

async function moveDir(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    // Another disk (FILES_DIR on a separate volume): copy, then remove the staging copy.
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await cp(from, to, { recursive: true });
    await rm(from, { recursive: true, force: true });
  }
}

/** Every document under `root`, in a stable order; unfinished writes (`.partial`) are left out. */
async function listFiles(root: string): Promise<string[]> {
  if (!existsSync(root)) return [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.partial'))
    // parentPath is Node 20.12's name for what 20.11 calls path.
    .map((entry) => join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name))
    .sort();
}

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

async function pgliteVersion(): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(join(import.meta.dirname, '..', 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

// ---- A minimal POSIX (ustar) tar writer and reader: regular files only, streamed in chunks ----

const BLOCK = 512;
const CHUNK = 1_048_576;
const MAX_TAR_SIZE = 8 ** 11 - 1;

function tarHeader(name: string, size: number): Buffer {
  if (size > MAX_TAR_SIZE) throw new BackupError(`${name} is too large for the backup format (over 8 GB).`);
  const nameBytes = Buffer.from(name, 'utf8');
  let prefix = Buffer.alloc(0);
  let short = nameBytes;
  if (nameBytes.length > 100) {
    // ustar keeps a long name as a prefix (at most 155 bytes) and a name (at most 100), split at a "/".
    const split = [...name.matchAll(/\//g)]
      .map((match) => match.index)
      .find((i) => Buffer.byteLength(name.slice(i + 1)) <= 100 && Buffer.byteLength(name.slice(0, i)) <= 155);
    if (split === undefined) throw new BackupError(`The file name ${name} is too long for the backup format.`);
    prefix = Buffer.from(name.slice(0, split), 'utf8');
    short = Buffer.from(name.slice(split + 1), 'utf8');
  }
  const header = Buffer.alloc(BLOCK);
  short.copy(header, 0);
  header.write('0000644\0', 100, 'ascii');
  header.write('0000000\0', 108, 'ascii');
  header.write('0000000\0', 116, 'ascii');
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  header.write(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, '0')}\0`, 136, 'ascii');
  header.write('        ', 148, 'ascii');
  header.write('0', 156, 'ascii');
  header.write('ustar\0' + '00', 257, 'ascii');
  prefix.copy(header, 345);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return header;
}

const padding = (size: number) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

function tarWriter(out: FileHandle) {
  const write = async (buffer: Buffer) => {
    let written = 0;
    while (written < buffer.length) written += (await out.write(buffer, written, buffer.length - written)).bytesWritten;
  };
  return {
    async add(name: string, content: Buffer) {
      await write(tarHeader(name, content.length));
      await write(content);
      await write(padding(content.length));
    },
    /** Streams a file from disk into the archive; returns its size and SHA-256. */
    async addFile(name: string, path: string): Promise<{ size: number; sha256: string }> {
      const { size } = await stat(path);
      await write(tarHeader(name, size));
      const hash = createHash('sha256');
      const input = await open(path, 'r');
      try {
        const buffer = Buffer.alloc(Math.min(CHUNK, Math.max(size, 1)));
        let done = 0;
        while (done < size) {
          const { bytesRead } = await input.read(buffer, 0, Math.min(buffer.length, size - done), done);
          if (bytesRead === 0) throw new BackupError(`${path} changed while it was being copied.`);
          hash.update(buffer.subarray(0, bytesRead));
          await write(buffer.subarray(0, bytesRead));
          done += bytesRead;
        }
      } finally {
        await input.close();
      }
      await write(padding(size));
      return { size, sha256: hash.digest('hex') };
    },
    async end() {
      await write(Buffer.alloc(BLOCK * 2));
    },
  };
}

type Digest = { size: number; sha256: string };
type EntryTarget = { path: string; done: (digest: Digest) => void } | { collect: (content: Buffer) => void };

async function readTar(file: string, target: (name: string) => Promise<EntryTarget>): Promise<void> {
  const input = await open(file, 'r').catch(() => {
    throw new BackupError(`${file} cannot be read.`);
  });
  try {
    const header = Buffer.alloc(BLOCK);
    let offset = 0;
    for (;;) {
      const { bytesRead } = await input.read(header, 0, BLOCK, offset);
      if (bytesRead < BLOCK) throw new BackupError(`${file} ends early: the backup is incomplete.`);
      if (header.every((byte) => byte === 0)) return;
      const field = (start: number, length: number) => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
      let sum = 0;
      for (let i = 0; i < BLOCK; i += 1) sum += i >= 148 && i < 156 ? 32 : (header[i] as number);
      if (parseInt(field(148, 8).trim(), 8) !== sum || field(257, 5) !== 'ustar') throw new BackupError(`${file} is not a Redress backup (or it is damaged).`);
      const prefix = field(345, 155);
      const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
      const size = parseInt(field(124, 12).trim(), 8);
      const type = field(156, 1);
      if (type !== '0' && type !== '') throw new BackupError(`${file} holds ${name}, which is not a plain file.`);
      const destination = await target(name);
      const hash = createHash('sha256');
      const collected: Buffer[] = [];
      const output = 'path' in destination ? await mkdir(dirname(destination.path), { recursive: true }).then(() => open(destination.path, 'wx')) : undefined;
      try {
        const buffer = Buffer.alloc(Math.min(CHUNK, Math.max(size, 1)));
        let done = 0;
        while (done < size) {
          const read = await input.read(buffer, 0, Math.min(buffer.length, size - done), offset + BLOCK + done);
          if (read.bytesRead === 0) throw new BackupError(`${file} ends early: the backup is incomplete.`);
          const chunk = buffer.subarray(0, read.bytesRead);
          hash.update(chunk);
          if (output) await output.write(chunk);
          else collected.push(Buffer.from(chunk));
          done += read.bytesRead;
        }
      } finally {
        await output?.close();
      }
      if ('path' in destination) destination.done({ size, sha256: hash.digest('hex') });
      else destination.collect(Buffer.concat(collected));
      offset += BLOCK + size + padding(size).length;
    }
  } finally {
    await input.close();
  }
}

// ---- Commands ----

function embeddedLocation(): EmbeddedLocation {
  const config = loadConfig();
  if (config.databaseUrl) {
    throw new BackupError(
      'DATABASE_URL is set: back up PostgreSQL with pg_dump and restore with pg_restore, and copy FILES_DIR with your file backups (see docs/operations.md).',
    );
  }
  return { dataDir: join(config.dataDir, 'pglite'), filesDir: config.filesDir };
}

/** Adds `backup [--to DIR]` and `restore FILE [--replace]` for the embedded database. */
export function registerBackupCommands(program: Command, _withSystem: WithSystem): void {
  program
    .command('backup')
    .description('copy the embedded database and its documents into one file (stop the server first; for PostgreSQL see docs/operations.md)')
    .option('--to <dir>', 'the folder to write the backup file in', '.')
    .action(async (options: { to: string }) => {
      const { file, manifest } = await backupEmbedded(embeddedLocation(), options.to);
      process.stdout.write(`Backed up the database and ${manifest.files.length} documents to ${file}\n`);
    });

  program
    .command('restore <file>')
    .description('restore a backup made by `redress backup` (stop the server first)')
    .option('--replace', 'move the current database and documents aside (…before-restore-<time>) and restore in their place')
    .action(async (file: string, options: { replace?: boolean }) => {
      const { manifest, movedAside } = await restoreEmbedded(file, embeddedLocation(), { replace: options.replace === true });
      process.stdout.write(
        `Restored the database and ${manifest.files.length} documents from ${basename(file)} (made ${manifest.createdAt}).\n` +
          movedAside.map((path) => `What was there before is kept in ${path}\n`).join(''),
      );
    });
}
