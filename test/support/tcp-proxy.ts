import { createServer, Socket as NetSocket, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';

/**
 * A TCP proxy on 127.0.0.1 in front of a real service (Postgres, Redis, the Docker engine's unix
 * socket), to take that service
 * away from one process and give it back, as an outage would, without touching the service that
 * other specs and engineers share. `cut()` refuses new connections and breaks the open ones;
 * `restore()` listens again on the same port. With `listenPath` it listens on that unix socket instead.
 */
export async function startTcpProxy(targetPort: number | { path: string }, targetHost = '127.0.0.1', listenPath?: string) {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;

  const listen = async () => {
    // Half-open, as Docker's hijacked streams need: the client ends stdin and still reads the output.
    const next = createServer({ allowHalfOpen: true }, (client) => {
      const upstream = new NetSocket({ allowHalfOpen: true });
      sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      const connected = () => {
        client.pipe(upstream);
        upstream.pipe(client);
      };
      if (typeof targetPort === 'number') upstream.connect(targetPort, targetHost, connected);
      else upstream.connect(targetPort.path, connected);
    });
    if (listenPath) {
      rmSync(listenPath, { force: true });
      await new Promise<void>((resolve, reject) => next.once('error', reject).listen(listenPath, () => resolve()));
    } else {
      await new Promise<void>((resolve, reject) => next.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
      port = (next.address() as AddressInfo).port;
    }
    server = next;
  };
  await listen();

  return {
    get port() {
      return port;
    },
    /** The service is gone for whoever uses the proxy: open connections break, new ones are refused. */
    async cut() {
      const closing = server;
      server = null;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      if (closing) await new Promise((resolve) => closing.close(resolve));
    },
    /** The service is back, on the same port. */
    async restore() {
      if (!server) await listen();
    },
    async close() {
      await this.cut();
    },
  };
}

/** The same URL with its port swapped for a proxy's (host 127.0.0.1). */
export function viaProxy(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(port);
  return parsed.toString();
}
