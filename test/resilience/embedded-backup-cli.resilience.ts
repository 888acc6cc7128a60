import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Complainant, continueJourney } from './complaint-journey.ts';
import { FakeNotify } from './fake-notify.ts';
import { request } from './http-client.ts';
import { killAllStarted, runRedress, startRedress, type RedressProcess } from './server-process.ts';
import { referenceFolder, temporaryFolder } from './throwaway-files.ts';

/**
 * `npx redress backup` and `restore` as an operator uses them, on the embedded database: refused
 * while the server runs; after it stops, a backup taken and restored into another folder, and a
 * server started there carries on where the first left off: the complainant is still signed in
 * (sessions are in the database) and downloads the document they uploaded.
 */
describe('backing up the embedded database with the redress command', () => {
  const notify = new FakeNotify();
  let folder: Awaited<ReturnType<typeof temporaryFolder>>;
  let server: RedressProcess | undefined;

  beforeAll(async () => {
    await notify.start();
    folder = await temporaryFolder('backup-cli');
  });
  afterAll(async () => {
    await killAllStarted();
    await server?.kill();
    await notify.stop();
    await folder?.remove();
  });

  it('refuses while the server runs, then backs up and restores a database that serves on where it left off', async () => {
    const reference = await referenceFolder(folder.path);
    const original = { ...notify.env(), DATA_DIR: join(folder.path, 'original'), REDRESS_REFERENCE_DIR: reference };
    server = await startRedress('start', original);
    const firstPage = await request(server.port, { path: '/complain/who-is-it-about' });
    const person = new Complainant(1, server.port, Number(/<option value="(\d+)">/.exec(firstPage.body)?.[1]));
    await continueJourney(person, notify, () => true);
    expect(person.upload).toBe('succeeded');

    const whileRunning = await runRedress(['backup', '--to', join(folder.path, 'backups')], original);
    expect(whileRunning.code).toBe(1);
    expect(whileRunning.stderr).toContain(`is in use by process ${server.pid}`);

    server.signal('SIGTERM');
    expect(await server.exited).toBe(0);
    const backup = await runRedress(['backup', '--to', join(folder.path, 'backups')], original);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    const file = /to (\S+\.tar)\n/.exec(backup.stdout)?.[1] as string;
    expect(backup.stdout).toBe(`Backed up the database and 1 documents to ${file}\n`);

    const restoredEnv = { ...original, DATA_DIR: join(folder.path, 'restored') };
    const restore = await runRedress(['restore', file], restoredEnv);
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain('Restored the database and 1 documents from');

    server = await startRedress('start', restoredEnv);
    person.visitor.port = server.port;
    const ownCase = `/complaints/${(person.reference as string).replace(/\s/g, '')}`;
    const page = await person.visitor.get(ownCase);
    expect(page.status).toBe(200);
    const documentLink = new RegExp(`href="(${ownCase}/documents/\\d+)"`).exec(page.body)?.[1] as string;
    const download = await person.visitor.get(documentLink);
    expect(download.status).toBe(200);
    expect(download.body).toBe(person.document.toString('utf8'));
    server.signal('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});
