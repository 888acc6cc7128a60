import { spawn } from 'node:child_process';
import { connect } from 'node:net';

/**
 * Checks uploaded files for viruses. Three adapters stand behind it, chosen from the environment
 * by `virusScannerFromEnv`:
 *
 * - `ClamdScanner`: a ClamAV daemon over TCP (the INSTREAM command), when CLAMAV_HOST is set
 *   (CLAMAV_PORT, default 3310). The one to use in production.
 * - `ClamscanCliScanner`: runs the `clamscan` command on each file, when CLAMSCAN_DATABASE names a
 *   signature directory (CLAMSCAN_PATH, default `clamscan`). Slow to start; for small installs and tests.
 * - `notScanned`: looks at nothing, and says so; files are recorded as 'not-scanned'.
 *
 * A scanner that cannot give an answer throws: callers must refuse the file rather than guess.
 */
export interface ScanResult {
  clean: boolean;
  /** The virus found, e.g. "Eicar-Test-Signature". */
  signature?: string;
  /** True when nothing actually examined the file (the local no-op adapter). */
  skipped?: boolean;
}

export interface VirusScanner {
  readonly name: string;
  scan(content: Buffer): Promise<ScanResult>;
}

export class VirusScanError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VirusScanError';
  }
}

/** The local adapter: nothing is scanned, and every file is recorded as such. */
export const notScanned: VirusScanner = {
  name: 'not-scanned',
  async scan() {
    return { clean: true, skipped: true };
  },
};

/** Reads ClamAV's one-line verdict: "stream: OK", "stream: Eicar-Test-Signature FOUND", "… ERROR". */
export function parseClamavReply(reply: string): ScanResult {
  const line = reply.replace(/\0/g, '').trim();
  if (/(^|:\s*)OK$/.test(line)) return { clean: true };
  const found = /^(?:[^:]*:\s*)?(.+?)\s+FOUND$/.exec(line);
  if (found) return { clean: false, signature: found[1] };
  throw new VirusScanError(`ClamAV could not scan the file: ${line || 'no reply'}`);
}

const CHUNK = 64 * 1024;

/** A ClamAV daemon reached over TCP, sent each file with INSTREAM (nothing touches the disk). */
export class ClamdScanner implements VirusScanner {
  readonly name = 'clamd';
  constructor(private readonly options: { host: string; port?: number; timeoutMs?: number }) {}

  scan(content: Buffer): Promise<ScanResult> {
    return this.command('zINSTREAM\0', content).then(parseClamavReply);
  }

  /** True when the daemon answers PING: for health checks and tests waiting for it to start. */
  async ping(): Promise<boolean> {
    try {
      return (await this.command('zPING\0')).replace(/\0/g, '').trim() === 'PONG';
    } catch {
      return false;
    }
  }

  private command(command: string, content?: Buffer): Promise<string> {
    const { host, port = 3310, timeoutMs = 30_000 } = this.options;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let settled = false;
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        socket.destroy();
        if (error) reject(error instanceof VirusScanError ? error : new VirusScanError(`ClamAV at ${host}:${port} did not answer: ${error.message}`, { cause: error }));
        else resolve(Buffer.concat(chunks).toString('utf8'));
      };
      const socket = connect({ host, port }, () => {
        socket.write(command);
        if (content) {
          for (let offset = 0; offset < content.length; offset += CHUNK) {
            const part = content.subarray(offset, offset + CHUNK);
            const size = Buffer.alloc(4);
            size.writeUInt32BE(part.length);
            socket.write(size);
            socket.write(part);
          }
          socket.write(Buffer.alloc(4)); // a zero-length chunk ends the stream
        }
      });
      socket.setTimeout(timeoutMs, () => finish(new VirusScanError(`ClamAV at ${host}:${port} took longer than ${timeoutMs}ms`)));
      socket.on('data', (data: Buffer) => {
        chunks.push(data);
        if (data.includes(0)) finish(); // the z-prefixed commands end their reply with NUL
      });
      socket.on('end', () => finish());
      socket.on('error', (error) => finish(error));
    });
  }
}

/** Runs `clamscan` on each file through its standard input, with the signatures in `database`. */
export class ClamscanCliScanner implements VirusScanner {
  readonly name = 'clamscan';
  constructor(private readonly options: { database?: string; command?: string; timeoutMs?: number } = {}) {}

  scan(content: Buffer): Promise<ScanResult> {
    const { database, command = 'clamscan', timeoutMs = 60_000 } = this.options;
    const args = ['--no-summary', '--stdout', ...(database ? [`--database=${database}`] : []), '-'];
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.stdin.on('error', () => undefined); // clamscan may exit before reading everything; its exit code says why
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new VirusScanError(`Could not run ${command}: ${error.message}`, { cause: error }));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        const stdout = Buffer.concat(out).toString('utf8');
        const line = stdout.split('\n').find((l) => l.startsWith('stdin:')) ?? '';
        if (code === 0) return resolve({ clean: true });
        if (code === 1) {
          try {
            return resolve(parseClamavReply(line));
          } catch (error) {
            return reject(error);
          }
        }
        const stderr = Buffer.concat(err).toString('utf8').trim().split('\n').slice(-3).join(' ');
        reject(new VirusScanError(`${command} failed (exit ${code ?? 'killed'}): ${stderr || stdout.trim() || 'no output'}`));
      });
      child.stdin.end(content);
    });
  }
}

/** The scanner the environment asks for: clamd when CLAMAV_HOST is set, else clamscan when CLAMSCAN_DATABASE is, else none. */
export function virusScannerFromEnv(env: NodeJS.ProcessEnv = process.env): VirusScanner {
  if (env.CLAMAV_HOST) {
    const port = Number(env.CLAMAV_PORT ?? 3310);
    if (!Number.isInteger(port) || port <= 0 || port > 65_535) throw new Error(`CLAMAV_PORT must be a port number, not ${JSON.stringify(env.CLAMAV_PORT)}`);
    return new ClamdScanner({ host: env.CLAMAV_HOST, port });
  }
  if (env.CLAMSCAN_DATABASE) return new ClamscanCliScanner({ database: env.CLAMSCAN_DATABASE, command: env.CLAMSCAN_PATH || 'clamscan' });
  return notScanned;
}
