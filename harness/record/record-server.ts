/**
 * The recorder's page server: loopback only, on a port the system picks, and every request (the
 * page, its frames, its state, its actions) must carry the one-time token of the printed address,
 * compared in constant time; a Host other than the loopback address is refused too, so a web
 * page elsewhere cannot reach it through a name it points at 127.0.0.1. The page fetches nothing
 * else: its script and style are inlined and its Content-Security-Policy allows only this origin.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BootgateError } from '../errors.js';
import type { FrameFeed } from './frame-feed.js';
import { recordPageHtml } from './record-page-html.js';

/** A page's request body is a small JSON object; anything longer is refused unread. */
const MAX_BODY_BYTES = 64 * 1024;

export interface RecordApi {
  /** The page's polled view of the recording. */
  state(): Promise<unknown>;
  /** One action or assertion from the page; the answer is what it recorded. */
  act(request: Record<string, unknown>): Promise<string>;
}

export class RecordServer {
  readonly token = randomBytes(18).toString('base64url');
  private server: Server | undefined;
  private port = 0;

  constructor(
    private readonly feed: FrameFeed,
    private readonly api: RecordApi,
  ) {}

  async listen(): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/?token=${this.token}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private allowed(req: IncomingMessage, url: URL): boolean {
    if (req.headers.host !== `127.0.0.1:${this.port}` && req.headers.host !== `localhost:${this.port}`) return false;
    const given = Buffer.from(url.searchParams.get('token') ?? String(req.headers['x-bootgate-token'] ?? ''));
    const token = Buffer.from(this.token);
    return given.length === token.length && timingSafeEqual(given, token);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!this.allowed(req, url)) {
      req.resume();
      return send(res, 403, 'text/plain', 'forbidden: this page needs the address bootgate record printed, with its token\n');
    }
    try {
      if (req.method === 'GET' && url.pathname === '/') {
        const nonce = randomBytes(12).toString('base64');
        res.setHeader('content-security-policy', `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src 'none'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`);
        return send(res, 200, 'text/html; charset=utf-8', recordPageHtml(nonce));
      }
      if (req.method === 'GET' && url.pathname === '/frame') {
        const frame = await this.feed.frame();
        res.setHeader('x-frame-seq', String(frame.seq));
        return send(res, 200, 'image/png', frame.png);
      }
      if (req.method === 'GET' && url.pathname === '/state') return send(res, 200, 'application/json', JSON.stringify(await this.api.state()));
      if (req.method === 'POST' && url.pathname === '/action') {
        const body = await readBody(req);
        if (body === undefined) return send(res, 413, 'application/json', JSON.stringify({ error: 'request too large' }));
        let request: unknown;
        try {
          request = JSON.parse(body);
        } catch {
          return send(res, 400, 'application/json', JSON.stringify({ error: 'not JSON' }));
        }
        if (typeof request !== 'object' || request === null || Array.isArray(request)) return send(res, 400, 'application/json', JSON.stringify({ error: 'not an object' }));
        try {
          return send(res, 200, 'application/json', JSON.stringify({ message: await this.api.act(request as Record<string, unknown>) }));
        } catch (e) {
          // A mistake is the page's message, never the end of the recording.
          const message = e instanceof BootgateError || e instanceof Error ? e.message : String(e);
          return send(res, 422, 'application/json', JSON.stringify({ error: message }));
        }
      }
      return send(res, 404, 'text/plain', 'not found\n');
    } catch (e) {
      return send(res, 500, 'text/plain', `${(e as Error).message}\n`);
    }
  }
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    req.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > MAX_BODY_BYTES) {
        req.destroy();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
