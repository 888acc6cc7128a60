import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupError, backupEmbedded, restoreEmbedded, type BackupManifest } from '../../src/cli-backup.ts';
import { DataDirInUseError, lockDataDir, openDatabase } from '../../src/data/db.ts';
import { migrateToLatest } from '../../src/data/migrate.ts';
import { localFileStore } from '../../src/files/file-store.ts';
import { recordSampleCasework, tableCounts, type SampleDocument } from './casework-sample.ts';

const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');

/**
 * `npx redress backup` and `npx redress restore` for the embedded database: a backup holds the
 * database and every document, a restore brings back exactly the same rows and files, and
 * nothing is overwritten or half-restored by mistake.
 */
describe('backing up and restoring the embedded database', () => {
  let root: string;
  let original: { dataDir: string; filesDir: string };
  let documents: SampleDocument[];
  let counts: Record<string, number>;
  let backup: { file: string; manifest: BackupManifest };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'redress-backup-test-'));
    original = { dataDir: join(root, 'data', 'pglite'), filesDir: join(root, 'data', 'files') };
    const handle = openDatabase({ dataDir: original.dataDir });
    await migrateToLatest(handle.db);
    documents = await recordSampleCasework(handle.db, localFileStore(original.filesDir), 3);
    counts = await tableCounts(handle.db);
    await handle.close();
    backup = await backupEmbedded(original, join(root, 'backups'), new Date('2026-05-18T17:30:00Z'));
  });
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('writes one file holding the database and every document, listed with checksums', async () => {
    expect(backup.file).toBe(join(root, 'backups', 'redress-backup-2026-05-18T17-30-00-000Z.tar'));
    expect(await readdir(join(root, 'backups'))).toEqual(['redress-backup-2026-05-18T17-30-00-000Z.tar']);
    expect(backup.manifest.engine).toBe('pglite');
    expect(backup.manifest.files.map((f) => f.sha256).sort()).toEqual(documents.map((d) => d.sha256).sort());
    expect(backup.manifest.files.map((f) => f.name).sort()).toEqual(documents.map((d) => `files/${d.storageKey}`).sort());
    expect(counts.cases).toBe(3);
    expect(counts.documents).toBe(3);
  });

  it('restores the same rows, table by table, and the same files; over a database only when told to, keeping the old one aside', async () => {
    const target = { dataDir: join(root, 'restored', 'pglite'), filesDir: join(root, 'restored', 'files') };
    expect((await restoreEmbedded(backup.file, target)).movedAside).toEqual([]);
    const handle = openDatabase({ dataDir: target.dataDir });
    try {
      expect(await tableCounts(handle.db)).toEqual(counts);
      const rows = await handle.db.selectFrom('documents').select(['case_id', 'sha256', 'storage_key']).orderBy('id').execute();
      expect(rows.map((r) => ({ caseId: r.case_id, sha256: r.sha256, storageKey: r.storage_key }))).toEqual(documents);
      for (const row of rows) expect(sha256(await readFile(join(target.filesDir, row.storage_key)))).toBe(row.sha256);
      // Something that happens after the backup, so the two copies differ.
      await handle.db.deleteFrom('documents').execute();
    } finally {
      await handle.close();
    }

    await expect(restoreEmbedded(backup.file, target)).rejects.toThrow(
      new BackupError(`${target.dataDir} already holds a database. Run again with --replace to move it (and the documents) aside and restore the backup in their place.`),
    );
    const replaced = await restoreEmbedded(backup.file, target, { replace: true, now: new Date('2026-05-19T08:00:00Z') });
    expect(replaced.movedAside).toEqual([`${target.dataDir}.before-restore-2026-05-19T08-00-00-000Z`, `${target.filesDir}.before-restore-2026-05-19T08-00-00-000Z`]);
    expect(existsSync(join(replaced.movedAside[0] as string, 'PG_VERSION'))).toBe(true);
    const again = openDatabase({ dataDir: target.dataDir });
    try {
      expect((await tableCounts(again.db)).documents).toBe(3);
    } finally {
      await again.close();
    }
  });

  it('refuses a damaged backup before touching anything', async () => {
    const damaged = join(root, 'damaged.tar');
    const content = await readFile(backup.file);
    // The first document's content follows the database part; change one of its bytes.
    const at = content.indexOf(Buffer.from('Letter 1 from the council'));
    content[at] = 'l'.charCodeAt(0);
    await writeFile(damaged, content);
    const target = { dataDir: join(root, 'from-damaged', 'pglite'), filesDir: join(root, 'from-damaged', 'files') };
    await expect(restoreEmbedded(damaged, target)).rejects.toThrow(/cannot be restored: files\/.* is damaged \(its checksum does not match\)/);
    expect(existsSync(join(root, 'from-damaged'))).toBe(true);
    expect(await readdir(join(root, 'from-damaged'))).toEqual([]);

    const truncated = join(root, 'truncated.tar');
    await writeFile(truncated, content.subarray(0, content.length - 2048));
    await expect(restoreEmbedded(truncated, target)).rejects.toThrow(BackupError);
    expect(await readdir(join(root, 'from-damaged'))).toEqual([]);
  });

  it('refuses while another process has the database open', async () => {
    // The lock file names a process that is running (this test's parent), as a live server would.
    await writeFile(`${original.dataDir}.lock`, String(process.ppid));
    try {
      await expect(backupEmbedded(original, join(root, 'backups'))).rejects.toThrow(DataDirInUseError);
      expect(() => openDatabase({ dataDir: original.dataDir })).toThrow(`The embedded database in ${original.dataDir} is in use by process ${process.ppid}`);
    } finally {
      await rm(`${original.dataDir}.lock`);
    }
  });
});

describe('the embedded database folder lock', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'redress-lock-test-'));
  });
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('is taken over from a process that died, refused to a second opener in this process, and released on close', async () => {
    const dataDir = join(root, 'pglite');
    // A process id that is not running: far above Linux's default maximum.
    await writeFile(`${dataDir}.lock`, '4194305');
    const lock = lockDataDir(dataDir);
    expect(await readFile(`${dataDir}.lock`, 'utf8')).toBe(String(process.pid));
    expect(() => lockDataDir(dataDir)).toThrow(DataDirInUseError);
    lock.release();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    // A lock file with our own process id but not held here is from a previous life (a restarted container).
    await writeFile(`${dataDir}.lock`, String(process.pid));
    lockDataDir(dataDir).release();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  });
});
