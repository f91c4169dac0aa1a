import type { EdgeLoad } from '../cluster/edge-load.js';
import type { Logger } from '../log.js';
import type { ScaleDriver } from './drivers/driver.js';
import type { ClusterLoad } from './load.js';
import type { Decision, PredictivePolicy, ScalingPolicy } from './policy.js';

/** The autoscaler's last decision, for the dashboard (through Redis) and the metrics. */
export interface AutoscalerStatus {
  at: number;
  driver: string;
  /** Edges taking devices or starting (draining ones do not count). */
  current: number;
  desired: number;
  reason: string;
  forecast: Decision['forecast'];
  load: ClusterLoad;
}

/** One minute of load, kept so that a restarted autoscaler still has its forecast's history. */
export interface LoadMinute { t: number; connections: number; messagesPerSecond: number }

export interface AutoscalerDeps {
  loads: () => Promise<EdgeLoad[]>;
  /** The policy deciding (the combined one), and its forecasting part (fed the kept history at start). */
  policy: ScalingPolicy;
  predictive: PredictivePolicy;
  driver: ScaleDriver;
  history: { load(): Promise<LoadMinute[]>; append(minute: LoadMinute): Promise<void> };
  publish: (status: AutoscalerStatus) => Promise<void>;
  everyMs: number;
  /** Reports older than this are of edges gone or stuck. */
  staleAfterMs: number;
  log: Logger;
  clock?: () => number;
}

/**
 * Every few seconds: sums the edges' load reports, asks the policy for the number of edges, and has
 * the driver carry it out (starting edges, or draining the least-loaded). Every decision is logged
 * with its reason and published for the dashboard and the metrics.
 */
export class Autoscaler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private minute: { index: number; connections: number; rate: number; samples: number } | null = null;
  private readonly clock: () => number;
  last: AutoscalerStatus | null = null;
  readonly stats = { decisions: 0, scaleUps: 0, scaleDowns: 0, failures: 0 };

  constructor(private readonly deps: AutoscalerDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  async start(): Promise<void> {
    const kept = await this.deps.history.load();
    for (const m of kept) this.deps.predictive.observe(m.t, { connections: m.connections, messagesPerSecond: m.messagesPerSecond, eventLoopLagMs: 0 });
    this.deps.log.info('autoscaler started', { driver: this.deps.driver.name, historyMinutes: kept.length, everyMs: this.deps.everyMs });
    this.timer = setInterval(() => { this.running = this.running.then(async () => { await this.tick(); }); }, this.deps.everyMs);
  }

  /** One decision (the timer runs them one after the other). */
  async tick(): Promise<AutoscalerStatus | null> {
    const now = this.clock();
    try {
      const reports = (await this.deps.loads()).filter((l) => now - l.reportedAt <= this.deps.staleAfterMs);
      const active = reports.filter((l) => l.state !== 'draining');
      // Devices on a draining edge are moving to the others: they still count as load.
      const load: ClusterLoad = {
        connections: reports.reduce((n, l) => n + l.connections, 0),
        messagesPerSecond: reports.reduce((n, l) => n + l.messagesPerSecond, 0),
        eventLoopLagMs: Math.max(0, ...active.map((l) => l.eventLoopLagMs)),
      };
      const current = active.length + this.deps.driver.starting(active);
      const decision = this.deps.policy.decide(now, current, load);
      await this.remember(now, load);
      this.stats.decisions++;
      if (decision.desired > current) this.stats.scaleUps++;
      else if (decision.desired < current) this.stats.scaleDowns++;
      // Every decision, a line each: why the cluster has the size it has is in the log at any time.
      this.deps.log.info('autoscaler decision', {
        current, desired: decision.desired, action: decision.desired > current ? 'up' : decision.desired < current ? 'down' : 'none',
        reason: decision.reason, connections: load.connections, messagesPerSecond: Math.round(load.messagesPerSecond),
        ...(decision.forecast ? { forecastConnections: Math.round(decision.forecast.connections), forecastMessagesPerSecond: Math.round(decision.forecast.messagesPerSecond) } : {}),
      });
      await this.deps.driver.apply(decision.desired, active);
      const status: AutoscalerStatus = { at: now, driver: this.deps.driver.name, current, desired: decision.desired, reason: decision.reason, forecast: decision.forecast, load };
      this.last = status;
      await this.deps.publish(status);
      return status;
    } catch (err) {
      this.stats.failures++;
      this.deps.log.warn('autoscaler tick failed', { error: String(err) });
      return null;
    }
  }

  /** Averages the samples of each minute and keeps the finished minute. */
  private async remember(now: number, load: ClusterLoad): Promise<void> {
    const index = Math.floor(now / 60_000);
    if (this.minute && index > this.minute.index) {
      const m = this.minute;
      this.minute = null;
      await this.deps.history.append({ t: m.index * 60_000, connections: m.connections / m.samples, messagesPerSecond: m.rate / m.samples });
    }
    this.minute ??= { index, connections: 0, rate: 0, samples: 0 };
    this.minute.connections += load.connections;
    this.minute.rate += load.messagesPerSecond;
    this.minute.samples++;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
