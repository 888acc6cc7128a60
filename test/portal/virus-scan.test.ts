import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.ts';
import {
  ClamdScanner, ClamscanCliScanner, notScanned, parseClamavReply, VirusScanError, virusScannerFromEnv, type VirusScanner,
} from '../../src/files/virus-scan.ts';
import { complaintUrl, createPortalTestApp, eicar, errorSummaryOf, fixture, isPortalNotFound, PortalClient, registerPortalCase } from './helpers.ts';

function findCommand(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin'].filter((dir) => dir.startsWith('/'));
  return dirs.map((dir) => join(dir, name)).find((path) => existsSync(path));
}

const clamscan = findCommand('clamscan');
const sigtool = findCommand('sigtool');
const clamd = findCommand('clamd');
const hasClam = Boolean(clamscan && sigtool);
const hasClamd = Boolean(hasClam && clamd);

/**
 * Debian's ClamAV has no signatures until freshclam downloads them, so the tests make their own
 * database: one signature, for the EICAR test string, written by sigtool.
 */
async function eicarDatabase(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'redress-clamav-db-'));
  const hex = spawnSync(sigtool as string, ['--hex-dump'], { input: eicar() }).stdout.toString('utf8').trim();
  expect(hex).toMatch(/^[0-9a-f]+$/);
  await writeFile(join(dir, 'eicar.ndb'), `Eicar-Test-Signature:0:*:${hex}\n`);
  return dir;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A PDF with the EICAR string inside it: the scan must look past the first bytes. */
function pdfWithEicar(): Buffer {
  return Buffer.concat([fixture('letter.pdf'), Buffer.from('\n% '), eicar(), Buffer.from('\n')]);
}

/** The portal, end to end, with a real scanner: the EICAR file is quarantined, a clean file kept. */
function portalWithScanner(scanner: () => VirusScanner) {
  let t: TestApp;
  let pat: PortalClient;
  let reference = '';
  beforeAll(async () => {
    t = await createPortalTestApp('pglite', { scanner: scanner() });
    reference = await registerPortalCase(t, { email: 'pat@example.com' });
    pat = await new PortalClient(t.app).signIn(t, 'pat@example.com');
  });
  afterAll(async () => t?.dispose());

  it('quarantines an uploaded EICAR file and keeps a clean one', async () => {
    await pat.get(complaintUrl(reference));
    const infected = await pat.upload(complaintUrl(reference, 'documents'), { name: 'eicar.txt', content: eicar() });
    expect(infected.statusCode).toBe(400);
    expect(errorSummaryOf(infected.body)).toEqual([{ href: '#document', text: 'The file eicar.txt contains a virus and has been quarantined' }]);
    const clean = await pat.upload(complaintUrl(reference, 'documents'), { name: 'letter.pdf', content: fixture('letter.pdf') });
    expect(clean.statusCode).toBe(303);
    const rows = await t.database.db.selectFrom('documents').select(['id', 'file_name', 'scan_status']).orderBy('id').execute();
    expect(rows.map((r) => [r.file_name, r.scan_status])).toEqual([['eicar.txt', 'quarantined'], ['letter.pdf', 'clean']]);
    const event = await t.database.db.selectFrom('case_events').select('facts').where('kind', '=', 'document-added').orderBy('id').executeTakeFirstOrThrow();
    expect(String(event.facts.signature)).toContain('Eicar-Test-Signature');
    expect(isPortalNotFound(await pat.get(complaintUrl(reference, `documents/${rows[0]?.id}`)))).toBe(true);
    expect((await pat.get(complaintUrl(reference, `documents/${rows[1]?.id}`))).statusCode).toBe(200);
  });
}

describe('virus scanning without ClamAV', () => {
  it('reads ClamAV verdicts', () => {
    expect(parseClamavReply('stream: OK\0')).toEqual({ clean: true });
    expect(parseClamavReply('stream: Eicar-Test-Signature FOUND\0')).toEqual({ clean: false, signature: 'Eicar-Test-Signature' });
    expect(parseClamavReply('stdin: Win.Test.EICAR_HDB-1 FOUND')).toEqual({ clean: false, signature: 'Win.Test.EICAR_HDB-1' });
    expect(() => parseClamavReply('INSTREAM size limit exceeded. ERROR\0')).toThrow(VirusScanError);
    expect(() => parseClamavReply('')).toThrow(VirusScanError);
  });

  it('says when nothing was scanned', async () => {
    expect(await notScanned.scan(eicar())).toEqual({ clean: true, skipped: true });
  });

  it('chooses the scanner from the environment', () => {
    expect(virusScannerFromEnv({})).toBe(notScanned);
    expect(virusScannerFromEnv({ CLAMAV_HOST: 'clamav.internal' })).toBeInstanceOf(ClamdScanner);
    expect(virusScannerFromEnv({ CLAMAV_HOST: 'clamav.internal', CLAMSCAN_DATABASE: '/db' })).toBeInstanceOf(ClamdScanner);
    expect(virusScannerFromEnv({ CLAMSCAN_DATABASE: '/var/lib/clamav' })).toBeInstanceOf(ClamscanCliScanner);
    expect(() => virusScannerFromEnv({ CLAMAV_HOST: 'x', CLAMAV_PORT: 'ninety' })).toThrow('CLAMAV_PORT');
  });

  describe('the clamd INSTREAM client, against a stand-in daemon', () => {
    let server: Server;
    let port = 0;
    const received: Buffer[] = [];

    beforeAll(async () => {
      // Speaks clamd's INSTREAM: "zINSTREAM\0", then <4-byte length><data> chunks, then a zero length.
      server = createServer((socket) => {
        let buffer = Buffer.alloc(0);
        socket.on('data', (data) => {
          buffer = Buffer.concat([buffer, data]);
          if (buffer.subarray(0, 6).toString() === 'zPING\0') return void socket.end('PONG\0');
          if (buffer.subarray(0, 10).toString() !== 'zINSTREAM\0') return;
          const chunks: Buffer[] = [];
          for (let offset = 10; offset + 4 <= buffer.length;) {
            const size = buffer.readUInt32BE(offset);
            if (size === 0) {
              const content = Buffer.concat(chunks);
              received.push(content);
              return void socket.end(content.includes(eicar()) ? 'stream: Eicar-Test-Signature FOUND\0' : content.includes('BREAK') ? 'INSTREAM size limit exceeded. ERROR\0' : 'stream: OK\0');
            }
            if (offset + 4 + size > buffer.length) return;
            chunks.push(buffer.subarray(offset + 4, offset + 4 + size));
            offset += 4 + size;
          }
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(async () => new Promise((resolve) => server.close(resolve)));

    it('streams the whole file in chunks and reads the verdict', async () => {
      const scanner = new ClamdScanner({ host: '127.0.0.1', port });
      expect(await scanner.ping()).toBe(true);
      const big = Buffer.concat([Buffer.alloc(300_000, 0x61), eicar()]);
      expect(await scanner.scan(big)).toEqual({ clean: false, signature: 'Eicar-Test-Signature' });
      expect(received.at(-1)?.equals(big)).toBe(true);
      expect(await scanner.scan(fixture('letter.pdf'))).toEqual({ clean: true });
      await expect(scanner.scan(Buffer.from('BREAK'))).rejects.toThrow(VirusScanError);
    });

    it('fails, rather than passing the file, when the daemon cannot be reached', async () => {
      const closed = await freePort();
      const scanner = new ClamdScanner({ host: '127.0.0.1', port: closed, timeoutMs: 2_000 });
      await expect(scanner.scan(fixture('notes.txt'))).rejects.toThrow(VirusScanError);
      expect(await scanner.ping()).toBe(false);
    });
  });
});

if (hasClam) {
  describe('virus scanning with the clamscan command', () => {
    let database = '';
    beforeAll(async () => {
      database = await eicarDatabase();
    });
    afterAll(async () => rm(database, { recursive: true, force: true }));

    it('finds the EICAR test file, in plain text and inside a PDF', async () => {
      const scanner = new ClamscanCliScanner({ database, command: clamscan });
      const found = await scanner.scan(eicar());
      expect(found.clean).toBe(false);
      expect(found.signature).toContain('Eicar-Test-Signature');
      expect((await scanner.scan(pdfWithEicar())).clean).toBe(false);
      expect(await scanner.scan(fixture('letter.pdf'))).toEqual({ clean: true });
      expect(await scanner.scan(fixture('notes.txt'))).toEqual({ clean: true });
    });

    it('fails when it cannot scan', async () => {
      await expect(new ClamscanCliScanner({ database: join(database, 'missing'), command: clamscan }).scan(eicar())).rejects.toThrow(VirusScanError);
      await expect(new ClamscanCliScanner({ database, command: join(database, 'no-such-clamscan') }).scan(eicar())).rejects.toThrow(VirusScanError);
    });

    describe('through the portal', () => {
      portalWithScanner(() => new ClamscanCliScanner({ database, command: clamscan }));
    });
  });
} else {
  it('says clamscan is not installed, so the ClamAV command-line tests cannot run', () => {
    expect(hasClam).toBe(false);
  });
}

if (hasClamd) {
  describe('virus scanning with the clamd daemon', () => {
    let database = '';
    let runDir = '';
    let port = 0;
    let daemon: ChildProcess | undefined;
    let output = '';

    beforeAll(async () => {
      database = await eicarDatabase();
      runDir = await mkdtemp(join(tmpdir(), 'redress-clamd-'));
      port = await freePort();
      const config = join(runDir, 'clamd.conf');
      await writeFile(config, [`DatabaseDirectory ${database}`, `TCPSocket ${port}`, 'TCPAddr 127.0.0.1', 'Foreground yes', `LogFile ${join(runDir, 'clamd.log')}`, ''].join('\n'));
      daemon = spawn(clamd as string, [`--config-file=${config}`], { stdio: ['ignore', 'pipe', 'pipe'] });
      daemon.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      daemon.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      const scanner = new ClamdScanner({ host: '127.0.0.1', port, timeoutMs: 1_000 });
      for (let waited = 0; !(await scanner.ping()); waited += 200) {
        if (waited > 60_000 || daemon.exitCode !== null) throw new Error(`clamd did not start: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }, 90_000);

    afterAll(async () => {
      if (daemon?.pid && daemon.exitCode === null) {
        const exited = new Promise((resolve) => daemon?.once('exit', resolve));
        daemon.kill('SIGTERM');
        await exited;
      }
      await rm(database, { recursive: true, force: true });
      await rm(runDir, { recursive: true, force: true });
    });

    it('finds the EICAR test file over INSTREAM, and passes clean files', async () => {
      const scanner = virusScannerFromEnv({ CLAMAV_HOST: '127.0.0.1', CLAMAV_PORT: String(port) });
      expect(scanner).toBeInstanceOf(ClamdScanner);
      const found = await scanner.scan(eicar());
      expect(found.clean).toBe(false);
      expect(found.signature).toContain('Eicar-Test-Signature');
      expect((await scanner.scan(pdfWithEicar())).clean).toBe(false);
      expect((await scanner.scan(Buffer.concat([Buffer.alloc(2_000_000, 0x20), eicar()]))).clean).toBe(false);
      expect(await scanner.scan(fixture('letter.docx'))).toEqual({ clean: true });
    });

    describe('through the portal', () => {
      portalWithScanner(() => new ClamdScanner({ host: '127.0.0.1', port }));
    });
  });
} else {
  it('says clamd is not installed, so the ClamAV daemon tests cannot run', () => {
    expect(hasClamd).toBe(false);
  });
}
