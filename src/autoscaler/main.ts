import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createRedis } from '../cluster/redis-connection.js';
import { RedisAutoscalerStore } from './autoscaler-store.js';
import { RedisEdgeLoadStore } from '../cluster/edge-load.js';
import { RedisKeys } from '../cluster/keys.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { gaugeFrom, processRegistry, counterFrom } from '../metrics/metrics.js';
import { runUntilSignal } from '../process.js';

import { Autoscaler } from './autoscaler.js';
import { KubernetesDriver } from './drivers/kubernetes-driver.js';
import { LocalDriver } from './drivers/local-driver.js';
import type { ScaleDriver } from './drivers/driver.js';
import { CombinedPolicy, PredictivePolicy, ReactivePolicy } from './policy.js';
import { withTimeout } from '../timing.js';

const config = loadConfig();
const log = createLogger(config.logLevel, { service: 'autoscaler' });
const a = config.autoscale;

/** The autoscaler process: its loop, Redis, and an HTTP port with /healthz and /metrics. */
class AutoscalerProcess {
  private readonly redis = createRedis(config.redis, { lazyConnect: true, maxRetriesPerRequest: 2 });
  private autoscaler: Autoscaler | null = null;
  private server: ReturnType<typeof createServer> | null = null;

  async start(): Promise<void> {
    this.redis.on('error', (err) => log.warn('redis error', { error: String(err) }));
    await this.redis.connect();
    const keys = new RedisKeys(config.keyPrefix);
    const store = new RedisAutoscalerStore(this.redis, keys);
    const loads = new RedisEdgeLoadStore(this.redis, keys);
    const capacity = { connections: a.edgeConnections, messagesPerSecond: a.edgeMessagesPerSecond };
    const bounds = { min: a.min, max: a.max };
    const predictive = new PredictivePolicy({
      capacity, target: a.target, bucketMs: 60_000, seasonBuckets: 24 * 60, leadMs: a.leadMs,
      smoothing: { alpha: 0.2, beta: 0.001, gamma: 0.4 }, bounds,
    });
    const reactive = new ReactivePolicy({ capacity, target: a.target, tolerance: 0.1, scaleDownWindowMs: a.scaleDownWindowMs, lagLimitMs: config.assign.hotLagMs, bounds });
    const driver: ScaleDriver = a.driver === 'kubernetes'
      ? new KubernetesDriver({ ...a.kubernetes, log })
      : new LocalDriver({ root: fileURLToPath(new URL('../..', import.meta.url)), basePort: a.localBasePort, idPrefix: a.idPrefix, log });
    const autoscaler = new Autoscaler({
      loads: () => loads.list(), policy: new CombinedPolicy(reactive, predictive, bounds), predictive, driver,
      history: store, publish: (s) => store.publish(s), everyMs: a.everyMs, staleAfterMs: config.assign.staleAfterMs, log,
    });
    this.autoscaler = autoscaler;

    const metrics = processRegistry({ service: 'autoscaler' });
    const last = () => autoscaler.last;
    gaugeFrom(metrics, 'rocketpush_autoscaler_desired_edges', 'Edges the autoscaler asks for', [], () => [[{}, last()?.desired ?? 0]]);
    gaugeFrom(metrics, 'rocketpush_autoscaler_current_edges', 'Edges taking devices or starting, as the autoscaler counts them', [], () => [[{}, last()?.current ?? 0]]);
    gaugeFrom(metrics, 'rocketpush_autoscaler_forecast_connections', 'Highest connections the forecast expects within the lead time (0: no forecast yet)', [], () => [[{}, last()?.forecast?.connections ?? 0]]);
    gaugeFrom(metrics, 'rocketpush_autoscaler_forecast_messages_per_second', 'Highest message rate the forecast expects within the lead time', [], () => [[{}, last()?.forecast?.messagesPerSecond ?? 0]]);
    counterFrom(metrics, 'rocketpush_autoscaler_decisions_total', 'Autoscaler decisions, by what they did', ['action'], () => [
      [{ action: 'up' }, autoscaler.stats.scaleUps], [{ action: 'down' }, autoscaler.stats.scaleDowns],
      [{ action: 'none' }, autoscaler.stats.decisions - autoscaler.stats.scaleUps - autoscaler.stats.scaleDowns], [{ action: 'failed' }, autoscaler.stats.failures],
    ]);
    const server = createServer((req, res) => {
      if (req.url === '/healthz') { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ status: 'ok', driver: driver.name })); return; }
      if (req.url === '/metrics') {
        metrics.metrics().then((text) => { res.writeHead(200, { 'content-type': metrics.contentType }); res.end(text); },
          () => { res.writeHead(500); res.end(); });
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not_found' }));
    });
    await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(a.httpPort, config.api.host, () => resolve()); });
    this.server = server;
    await autoscaler.start();
  }

  async stop(): Promise<void> {
    await this.autoscaler?.stop();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    await withTimeout(this.redis.quit(), 2000, 'Redis quit').catch(() => this.redis.disconnect());
    log.info('autoscaler stopped');
  }
}

await runUntilSignal(new AutoscalerProcess(), log);
