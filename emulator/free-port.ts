import { createServer } from 'node:net';

/**
 * A TCP port that is free on 127.0.0.1 right now: bind port 0, read what the kernel
 * chose, release it. Another process could take it before we use it; callers that
 * spawn servers retry on "address in use".
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the port of a loopback listener'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}
