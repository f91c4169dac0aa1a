import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from '../log.js';
import type { Readiness } from '../health/readiness.js';

/**
 * The edge's own HTTP port: `GET /healthz` (the process answers), `GET /readyz` (it should get
 * devices: listeners open, Redis and RocketMQ answering), `GET /metrics` (Prometheus), `GET
 * /clients/{id}` (a connected client's subscriptions, for the API's lookup) and, from the same host
 * only, `POST /drain`. Load balancers, the scripts, the supervisor and Prometheus ask here
 * instead of reading logs.
 */
export class HealthServer {
  private server: Server | null = null;
  private listening = false;

  constructor(
    private readonly opts: {
      host: string; port: number; edgeId: string; metrics?: Registry;
      /** Drains the edge; POST /drain from the same host (a Kubernetes preStop hook) waits for it. */
      drain?: () => Promise<void>;
      /** A connected client as this edge knows it (GET /clients/{id}, asked by the API's lookup). */
      client?: (clientId: string) => object | null;
    },
    private readonly readiness: Readiness,
    private readonly log: Logger,
  ) {}

  async start(): Promise<number> {
    const server = createServer((req, res) => {
      const reply = (status: number, body: object) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const path = (req.url ?? '').split('?')[0];
      if (path === '/drain' && req.method === 'POST' && this.opts.drain) {
        // Only from this host: the port is reachable from the cluster network, and a drain ends the edge.
        if (!isLoopback(req.socket.remoteAddress)) return reply(403, { error: 'forbidden', reason: 'POST /drain is accepted from this host only' });
        this.opts.drain().then(() => reply(200, { status: 'drained', edgeId: this.opts.edgeId }),
          (err: unknown) => reply(500, { error: 'drain_failed', reason: String(err) }));
        return;
      }
      if (req.method !== 'GET') return reply(405, { error: 'method_not_allowed' });
      if (path === '/healthz') return reply(200, { status: 'ok', edgeId: this.opts.edgeId });
      if (path?.startsWith('/clients/') && this.opts.client) {
        let id: string;
        try { id = decodeURIComponent(path.slice('/clients/'.length)); } catch { return reply(400, { error: 'invalid_client_id' }); }
        const found = this.opts.client(id);
        return found ? reply(200, found) : reply(404, { error: 'not_found' });
      }
      if (path === '/readyz') {
        if (!this.listening) return reply(503, { status: 'not_ready', edgeId: this.opts.edgeId, reason: 'starting' });
        this.readiness.check().then(
          () => reply(200, { status: 'ready', edgeId: this.opts.edgeId }),
          (err: unknown) => reply(503, { status: 'not_ready', edgeId: this.opts.edgeId, reason: err instanceof Error ? err.message : String(err) }),
        );
        return;
      }
      const metrics = this.opts.metrics;
      if (path === '/metrics' && metrics) {
        metrics.metrics().then((text) => {
          res.writeHead(200, { 'content-type': metrics.contentType });
          res.end(text);
        }, (err: unknown) => reply(500, { error: 'metrics_failed', reason: String(err) }));
        return;
      }
      reply(404, { error: 'not_found' });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => { server.off('error', reject); resolve(); });
    });
    this.server = server;
    const address = server.address();
    return typeof address === 'object' && address ? address.port : this.opts.port;
  }

  /** From now on /readyz runs its checks (before: 503 "starting"). */
  ready(): void {
    this.listening = true;
  }

  /** /readyz answers 503 from now on (stopping). */
  notReady(): void {
    this.listening = false;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.log.info('health port closed');
  }
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}
