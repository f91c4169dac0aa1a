import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { EdgeLoad } from '../cluster/edge-load.js';
import type { Logger } from '../log.js';

export interface LoadSource {
  connections(): number;
  /** Publishes received plus deliveries written since the edge started (a running total). */
  messages(): number;
  /** The newest rebalance shed request and what is left of it. */
  shed?(): { requestedAt: number; remaining: number } | null;
}

export interface LoadReporterOptions {
  edgeId: string;
  capacity: number;
  addresses: EdgeLoad['addresses'];
  everyMs: number;
  source: LoadSource;
  /** The edge's readiness checks (as /readyz runs them); a failure reports `unready`. */
  ready: () => Promise<void>;
  store: { report(load: EdgeLoad): Promise<void>; remove(edgeId: string): Promise<void> };
  log: Logger;
  /** Told the state of every report (the edge's state gauge). */
  onState?: (state: EdgeLoad['state']) => void;
}

/**
 * Writes this edge's load to Redis every interval, for the assigner: connections against
 * capacity, message rate, event-loop lag and CPU over the interval, memory. Turning to
 * `draining` is reported at once, so assignment stops sending devices here within one read.
 */
export class LoadReporter {
  private timer: NodeJS.Timeout | null = null;
  private delay: IntervalHistogram | null = null;
  private isDraining = false;
  private last = { at: 0, messages: 0, cpu: process.cpuUsage() };
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly opts: LoadReporterOptions) {}

  start(): Promise<void> {
    this.delay = monitorEventLoopDelay({ resolution: 10 });
    this.delay.enable();
    this.last = { at: performance.now(), messages: this.opts.source.messages(), cpu: process.cpuUsage() };
    this.timer = setInterval(() => void this.reportNow(), this.opts.everyMs);
    this.timer.unref();
    return this.reportNow();
  }

  /** The load now, and the interval's figures are started afresh. */
  measure(state: EdgeLoad['state']): EdgeLoad {
    const now = performance.now();
    const elapsedMs = Math.max(1, now - this.last.at);
    const messages = this.opts.source.messages();
    const cpu = process.cpuUsage(this.last.cpu);
    const lagNs = this.delay && this.delay.count > 0 ? this.delay.percentile(99) : 0;
    this.delay?.reset();
    const perSecond = (messages - this.last.messages) * 1000 / elapsedMs;
    this.last = { at: now, messages, cpu: process.cpuUsage() };
    return {
      edgeId: this.opts.edgeId,
      state,
      connections: this.opts.source.connections(),
      capacity: this.opts.capacity,
      messagesPerSecond: Math.round(perSecond * 10) / 10,
      eventLoopLagMs: Math.round(lagNs / 1e5) / 10,
      cpu: Math.round(((cpu.user + cpu.system) / 1000 / elapsedMs) * 100) / 100,
      rssBytes: process.memoryUsage.rss(),
      addresses: this.opts.addresses,
      reportedAt: Date.now(),
      ...this.shedField(),
    };
  }

  private shedField(): Pick<EdgeLoad, 'shed'> {
    const shed = this.opts.source.shed?.();
    return shed ? { shed } : {};
  }

  private async state(): Promise<EdgeLoad['state']> {
    if (this.isDraining) return 'draining';
    try {
      await this.opts.ready();
      return this.isDraining ? 'draining' : 'ready';
    } catch {
      return 'unready';
    }
  }

  /** One report after the other: a slow Redis write never lets an older report land last. */
  reportNow(): Promise<void> {
    this.writing = this.writing.then(async () => {
      const state = await this.state();
      this.opts.onState?.(state);
      await this.opts.store.report(this.measure(state));
    }).catch((err: unknown) => {
      this.opts.log.warn('load report failed', { error: String(err) });
    });
    return this.writing;
  }

  /** Draining from now on, reported at once. */
  draining(): Promise<void> {
    this.isDraining = true;
    return this.reportNow();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.delay?.disable();
    await this.writing;
    await this.opts.store.remove(this.opts.edgeId).catch(() => undefined);
  }
}
