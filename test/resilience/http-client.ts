/**
 * Real HTTP to a Redress process on 127.0.0.1, and a visitor that behaves like a browser without
 * JavaScript: keeps its session cookie, sends the CSRF token of the last form it was shown, and
 * comes from an address of its own (X-Forwarded-For, as behind a load balancer; Redress trusts
 * the proxy), so per-address rate limits apply per visitor.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  timeoutMs?: number;
}

/** One request on a new connection; rejects when the connection fails or is cut (a killed server). */
export function request(port: number, options: HttpRequest): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const req = httpRequest(
      {
        host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, agent: false,
        headers: { ...options.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        timeout: options.timeoutMs ?? 60_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${options.method ?? 'GET'} ${options.path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A request whose body is sent in two parts: the headers and the first part now, the rest when
 * `finish()` is called. Until then the server holds it as a request in progress (for shutdown tests).
 */
export function requestInTwoParts(port: number, options: { method: string; path: string; headers: Record<string, string>; first: Buffer; rest: Buffer }) {
  let finish: () => void = () => undefined;
  const sent = new Promise<void>((resolveSent) => {
    finish = () => {
      req.end(options.rest);
      resolveSent();
    };
  });
  let req!: ReturnType<typeof httpRequest>;
  const response = new Promise<HttpResponse>((resolve, reject) => {
    req = httpRequest(
      { host: '127.0.0.1', port, method: options.method, path: options.path, agent: false, headers: { ...options.headers, 'content-length': String(options.first.length + options.rest.length) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.flushHeaders();
    req.write(options.first);
  });
  return { response, finish, sent };
}

let nextAddress = 1;

export class Visitor {
  private cookies = new Map<string, string>();
  csrf = '';
  readonly address: string;
  /** When set, requests go to these servers in turn, as a load balancer without sticky sessions sends them. */
  ports: number[] | undefined;
  private turn = 0;

  constructor(public port: number) {
    const n = nextAddress++;
    this.address = `10.88.${(n >> 8) & 255}.${n & 255}`;
  }

  /** The session cookie, to carry to another server. */
  get cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  copySessionFrom(other: Visitor): void {
    this.cookies = new Map(other.cookies);
    this.csrf = other.csrf;
  }

  private async send(options: HttpRequest): Promise<HttpResponse> {
    const port = this.ports ? (this.ports[this.turn++ % this.ports.length] as number) : this.port;
    const response = await request(port, { ...options, headers: { 'x-forwarded-for': this.address, ...(this.cookies.size ? { cookie: this.cookieHeader } : {}), ...options.headers } });
    const setCookie = response.headers['set-cookie'] ?? [];
    for (const line of setCookie) {
      const [pair] = line.split(';');
      const at = pair?.indexOf('=') ?? -1;
      if (pair && at > 0) this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
    if (token) this.csrf = token;
    return response;
  }

  get(path: string): Promise<HttpResponse> {
    return this.send({ path });
  }

  post(path: string, form: Record<string, string>): Promise<HttpResponse> {
    const body = new URLSearchParams({ _csrf: this.csrf, ...form }).toString();
    return this.send({ method: 'POST', path, body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  /** A file upload as the portal's form sends it: multipart, the CSRF token in the query. */
  upload(path: string, file: { name: string; content: Buffer; type: string }): Promise<HttpResponse> {
    const boundary = '----redress-resilience-boundary';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="document"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`),
      file.content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return this.send({ method: 'POST', path: `${path}?_csrf=${encodeURIComponent(this.csrf)}`, body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
  }
}

export function locationOf(response: HttpResponse): string {
  return String(response.headers.location ?? '');
}

export function titleOf(body: string): string {
  return /<title[^>]*>([\s\S]*?)<\/title>/.exec(body)?.[1]?.trim() ?? '';
}
