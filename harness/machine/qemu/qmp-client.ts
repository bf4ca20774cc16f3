/**
 * A small typed QMP client over a unix socket: greeting, capabilities negotiation, commands
 * matched to replies by id, events to listeners, refusals as QmpError. QMP is newline-
 * delimited JSON; QEMU ends every message with "\r\n".
 */
import { createConnection, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfraError } from '../../errors.js';
import { QmpError } from './qmp-error.js';

export interface QmpEvent {
  readonly event: string;
  readonly data?: Readonly<Record<string, unknown>>;
  readonly timestamp: { readonly seconds: number; readonly microseconds: number };
}

export interface QmpGreeting {
  readonly version: { readonly qemu: { readonly major: number; readonly minor: number; readonly micro: number }; readonly package: string };
  readonly capabilities: readonly string[];
}

export interface QmpConnectOptions {
  /** How long to keep trying while QEMU starts and binds the socket. Default 10 s. */
  readonly timeoutMs?: number;
  /** Gives up early, e.g. when the QEMU process exits before its socket appears. */
  readonly signal?: AbortSignal;
}

interface Pending {
  readonly command: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

export class QmpClient {
  private buffer = '';
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private readonly listeners = new Set<(event: QmpEvent) => void>();
  private readonly sent = new Map<string, number>();
  private closedReason: string | undefined;
  private greetingWaiter: ((greeting: QmpGreeting) => void) | undefined;
  /** Settles when the connection is gone, for whatever reason. */
  readonly closed: Promise<void>;
  private markClosed!: () => void;
  greeting: QmpGreeting | undefined;

  private constructor(private readonly socket: Socket) {
    this.closed = new Promise((resolve) => (this.markClosed = resolve));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', (e) => this.onClose(`connection lost (${e.message})`));
    socket.on('close', () => this.onClose('connection closed'));
  }

  /** Connects (retrying until the socket accepts), reads the greeting and leaves negotiation mode. */
  static async connect(path: string, options: QmpConnectOptions = {}): Promise<QmpClient> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    let lastError = '';
    for (;;) {
      if (options.signal?.aborted) throw abortError(options.signal, path);
      try {
        const socket = await openSocket(path);
        const client = new QmpClient(socket);
        const greeting = await client.waitForGreeting(Math.max(1000, deadline - Date.now()), options.signal);
        client.greeting = greeting;
        await client.execute('qmp_capabilities');
        return client;
      } catch (e) {
        if (e instanceof QmpError) throw e;
        const code = (e as NodeJS.ErrnoException).code;
        // The socket is not there yet (ENOENT) or not listening yet (ECONNREFUSED): QEMU is still starting.
        if (code !== 'ENOENT' && code !== 'ECONNREFUSED') throw e instanceof InfraError ? e : new InfraError(`QMP connect to ${path} failed: ${(e as Error).message}`, { cause: e });
        lastError = code;
      }
      if (Date.now() >= deadline) throw new InfraError(`QMP socket ${path} did not accept a connection within ${timeoutMs} ms (${lastError})`);
      await sleep(5);
    }
  }

  get isOpen(): boolean {
    return this.closedReason === undefined;
  }

  /** Runs one command; rejects with QmpError when QEMU refuses it, InfraError when the connection is gone. */
  execute<T = unknown>(command: string, args?: Readonly<Record<string, unknown>>): Promise<T> {
    if (this.closedReason !== undefined) {
      return Promise.reject(new InfraError(`QMP ${command}: ${this.closedReason}`));
    }
    const id = `bg-${this.nextId++}`;
    this.sent.set(command, (this.sent.get(command) ?? 0) + 1);
    const message = JSON.stringify(args === undefined ? { execute: command, id } : { execute: command, arguments: args, id });
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { command, resolve: resolve as (value: unknown) => void, reject });
      this.socket.write(`${message}\n`);
    });
  }

  /**
   * How many times `command` was sent on this connection. QEMU runs commands in the order they
   * arrive, so the count before a send is that command's index among its kind: the guest clock
   * places it on the guest's timeline by that index (qemu-guest-clock.ts).
   */
  sentCount(command: string): number {
    return this.sent.get(command) ?? 0;
  }

  /** Calls the listener for every event; returns the function that unsubscribes. */
  onEvent(listener: (event: QmpEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The next event with this name (and matching the predicate), or an InfraError after timeoutMs. */
  waitForEvent(name: string, timeoutMs: number, predicate: (event: QmpEvent) => boolean = () => true): Promise<QmpEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new InfraError(`no QMP event ${name} within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.onEvent((event) => {
        if (event.event !== name || !predicate(event)) return;
        clearTimeout(timer);
        off();
        resolve(event);
      });
    });
  }

  /** Closes the connection; pending commands reject. Idempotent. */
  close(): void {
    this.socket.destroy();
    this.onClose('closed by bootgate');
  }

  private waitForGreeting(timeoutMs: number, signal: AbortSignal | undefined): Promise<QmpGreeting> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = () => {
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.greetingWaiter = undefined;
      };
      const fail = (error: Error) => {
        if (settled) return;
        settle();
        this.socket.destroy();
        reject(error);
      };
      const onAbort = () => fail(abortError(signal!, 'greeting'));
      const timer = setTimeout(() => fail(new InfraError(`no QMP greeting within ${timeoutMs} ms`)), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      void this.closed.then(() => fail(new InfraError(`QMP closed before its greeting: ${this.closedReason}`)));
      this.greetingWaiter = (greeting) => {
        if (settled) return;
        settle();
        resolve(greeting);
      };
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline).trim();
      this.buffer = this.buffer.slice(newline + 1);
      if (line) this.onMessage(line);
    }
  }

  private onMessage(line: string): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return; // Not QMP; nothing sensible to do with it.
    }
    if ('QMP' in message) {
      this.greetingWaiter?.(message.QMP as QmpGreeting);
      return;
    }
    if (typeof message.event === 'string') {
      for (const listener of [...this.listeners]) listener(message as unknown as QmpEvent);
      return;
    }
    const id = typeof message.id === 'string' ? message.id : undefined;
    const pending = id === undefined ? undefined : this.pending.get(id);
    if (!pending || id === undefined) return;
    this.pending.delete(id);
    if ('error' in message) {
      const error = message.error as { class?: string; desc?: string };
      pending.reject(new QmpError(pending.command, error.class ?? 'GenericError', error.desc ?? 'unknown error'));
    } else {
      pending.resolve(message.return);
    }
  }

  private onClose(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    for (const [id, pending] of this.pending) {
      this.pending.delete(id);
      pending.reject(new InfraError(`QMP ${pending.command}: ${reason} before QEMU replied`));
    }
    this.markClosed();
  }
}

function openSocket(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

function abortError(signal: AbortSignal, what: string): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new InfraError(`QMP connect (${what}) aborted: ${String(reason)}`);
}
