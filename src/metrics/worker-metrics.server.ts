import { createServer, type Server } from 'node:http';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfigService } from '../config/app-config';
import { metricsScrapeAllowed } from './metrics-auth';
import { MetricsRegistry } from './metrics-registry';

/**
 * The worker has no HTTP server of its own, so it serves GET /metrics on WORKER_METRICS_PORT
 * (default 9464; 0 turns it off), each worker scraped as its own target. A port already taken is
 * logged and the worker grades on without metrics: numbers must never stop grading.
 */
@Injectable()
export class WorkerMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerMetricsServer.name);
  private server?: Server;

  constructor(
    private readonly registry: MetricsRegistry,
    private readonly config: AppConfigService,
  ) {}

  /** The port it listens on (differs from the configured one only in tests that ask for any port). */
  address(): number | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address.port : undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { WORKER_METRICS_PORT: port, WORKER_METRICS_HOST: host, METRICS_TOKEN: token } = this.config.values;
    if (!port) return;
    const server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      if (request.method !== 'GET' || path !== '/metrics') {
        response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: GET /metrics\n');
        return;
      }
      if (!metricsScrapeAllowed(token, request.headers.authorization)) {
        response.writeHead(401, { 'Content-Type': 'text/plain', 'WWW-Authenticate': 'Bearer' }).end('metrics need "Authorization: Bearer <METRICS_TOKEN>"\n');
        return;
      }
      this.registry.metrics().then(
        (body) => response.writeHead(200, { 'Content-Type': this.registry.contentType }).end(body),
        (error: Error) => response.writeHead(500, { 'Content-Type': 'text/plain' }).end(`${error.message}\n`),
      );
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
      server.on('error', (error) => this.logger.warn(`metrics server: ${error.message}`));
      this.server = server;
      this.logger.log(`metrics on http://${host}:${this.address()}/metrics`);
    } catch (error) {
      this.logger.warn(`worker metrics not served on ${host}:${port}: ${(error as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}
