/**
 * The guest's serial port as a FIFO pair (QEMU `-chardev pipe`). Opened non-blocking and
 * wrapped in a net.Socket so libuv polls it like a pipe: no thread-pool thread sits blocked in
 * read(), and QEMU never waits on a socket's back-pressure (docs/architecture.md, "Serial port").
 */
import { constants, openSync } from 'node:fs';
import { Socket } from 'node:net';

/**
 * Reads `path` (QEMU's `<base>.out`) until QEMU closes it. Open it only after QEMU has opened
 * its end: a FIFO with no writer reads as end-of-file at once.
 */
export class FifoReader {
  private readonly socket: Socket;
  /** Settles when the writer is gone and everything it wrote has been delivered (or on close()). */
  readonly ended: Promise<void>;

  constructor(path: string, onData: (chunk: Buffer) => void) {
    const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    this.socket = new Socket({ fd, readable: true, writable: false });
    this.socket.on('data', onData);
    this.socket.on('error', () => undefined); // The machine's exit tells the story; a read error adds nothing.
    this.ended = new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Writes to `path` (QEMU's `<base>.in`, which QEMU holds open for reading, so the open cannot block). */
export class FifoWriter {
  private socket: Socket | undefined;

  constructor(private readonly path: string) {}

  write(data: string | Uint8Array): Promise<void> {
    if (!this.socket) {
      const fd = openSync(this.path, constants.O_WRONLY | constants.O_NONBLOCK);
      this.socket = new Socket({ fd, readable: false, writable: true });
      this.socket.on('error', () => undefined);
    }
    const socket = this.socket;
    return new Promise((resolve, reject) => socket.write(data, (e) => (e ? reject(e) : resolve())));
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }
}
