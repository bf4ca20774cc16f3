/** A free VNC display on the loopback interface (port 5900 + display) for a repro machine. */
import { createServer } from 'node:net';
import { InfraError } from '../errors.js';

export const VNC_BASE_PORT = 5900;

/** The first display from `first` whose port nobody listens on at 127.0.0.1 right now. */
export async function findFreeVncDisplay(first = 0, count = 100): Promise<number> {
  for (let display = first; display < first + count; display++) {
    if (await portIsFree(VNC_BASE_PORT + display)) return display;
  }
  throw new InfraError(`no free VNC display from ${first} to ${first + count - 1} on 127.0.0.1`);
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
