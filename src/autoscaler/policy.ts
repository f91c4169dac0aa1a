import { HoltWinters } from './holt-winters.js';
import { edgesFor, type ClusterLoad, type EdgeCapacity } from './load.js';

/** One decision: how many edges there should be, and why (logged and exported as metrics). */
export interface Decision {
  desired: number;
  reason: string;
  /** The load the forecast expects within the look-ahead (null: no forecast yet). */
  forecast: { connections: number; messagesPerSecond: number } | null;
}

export interface ScalingPolicy {
  /** `current`: edges running or starting (draining ones do not count). */
  decide(now: number, current: number, load: ClusterLoad): Decision;
}

export interface Bounds { min: number; max: number }

const clamp = (n: number, b: Bounds) => Math.min(b.max, Math.max(b.min, n));

export interface ReactiveOptions {
  capacity: EdgeCapacity;
  /** Utilisation each edge should run at (0.7: 30 % headroom). */
  target: number;
  /** Within this ratio of the target nothing changes (HPA: 0.1). */
  tolerance: number;
  /** Scale down only to the highest recommendation of this window (HPA: 5 minutes). */
  scaleDownWindowMs: number;
  /** An edge lagging more than this asks for one more edge whatever the counts say. */
  lagLimitMs: number;
  bounds: Bounds;
}

/**
 * Scaling on what is happening now, by the rules of Kubernetes' HorizontalPodAutoscaler: the edges
 * that put utilisation at the target, nothing within the tolerance, up at once, down only to the
 * highest recommendation of the stabilisation window.
 */
export class ReactivePolicy implements ScalingPolicy {
  private readonly recent: { at: number; edges: number }[] = [];

  constructor(private readonly opts: ReactiveOptions) {}

  decide(now: number, current: number, load: ClusterLoad): Decision {
    const { capacity, target, tolerance, scaleDownWindowMs, lagLimitMs, bounds } = this.opts;
    const utilisation = current > 0
      ? Math.max(load.connections / (current * capacity.connections), load.messagesPerSecond / (current * capacity.messagesPerSecond))
      : Number.POSITIVE_INFINITY;
    let recommended = Math.abs(utilisation / target - 1) <= tolerance ? current : edgesFor(load, capacity, target);
    let reason = `utilisation ${(utilisation * 100).toFixed(0)} % against a target of ${(target * 100).toFixed(0)} %`;
    if (load.eventLoopLagMs > lagLimitMs && recommended <= current) {
      recommended = current + 1;
      reason = `event-loop lag ${load.eventLoopLagMs.toFixed(0)} ms over ${lagLimitMs} ms`;
    }
    recommended = clamp(recommended, bounds);
    this.recent.push({ at: now, edges: recommended });
    while (this.recent.length > 0 && this.recent[0]!.at < now - scaleDownWindowMs) this.recent.shift();
    if (recommended >= current) return { desired: recommended, reason, forecast: null };
    const held = Math.max(...this.recent.map((r) => r.edges));
    return held > recommended
      ? { desired: Math.min(held, current), reason: `${reason}; scale-down held by the ${scaleDownWindowMs / 1000} s window`, forecast: null }
      : { desired: recommended, reason, forecast: null };
  }
}

export interface PredictiveOptions {
  capacity: EdgeCapacity;
  target: number;
  /** Width of one forecast bucket (one minute), and buckets in a season (a day: 1440). */
  bucketMs: number;
  seasonBuckets: number;
  /** How far ahead capacity must be there: the time an edge needs to start and warm up. */
  leadMs: number;
  smoothing: { alpha: number; beta: number; gamma: number };
  bounds: Bounds;
}

/**
 * Scaling on a forecast: a seasonal model (Holt-Winters, one season a day) of connections and of
 * the message rate, fed with the load averaged per bucket. It asks for the edges the highest
 * forecast load within the lead time needs, so that they are warm when the load arrives. Before a
 * full season of history it has no forecast and asks for the minimum.
 */
export class PredictivePolicy implements ScalingPolicy {
  private readonly connections: HoltWinters;
  private readonly rate: HoltWinters;
  private bucket: { index: number; connections: number; rate: number; samples: number } | null = null;

  constructor(private readonly opts: PredictiveOptions) {
    const hw = { seasonLength: opts.seasonBuckets, ...opts.smoothing };
    this.connections = new HoltWinters(hw);
    this.rate = new HoltWinters(hw);
  }

  /** Adds a sample to its bucket; a finished bucket goes into the models (gaps repeat the last one). */
  observe(now: number, load: ClusterLoad): void {
    const index = Math.floor(now / this.opts.bucketMs);
    if (this.bucket && index > this.bucket.index) {
      const c = this.bucket.connections / this.bucket.samples;
      const r = this.bucket.rate / this.bucket.samples;
      for (let i = this.bucket.index; i < index && i < this.bucket.index + this.opts.seasonBuckets; i++) {
        this.connections.observe(c);
        this.rate.observe(r);
      }
      this.bucket = null;
    }
    this.bucket ??= { index, connections: 0, rate: 0, samples: 0 };
    this.bucket.connections += load.connections;
    this.bucket.rate += load.messagesPerSecond;
    this.bucket.samples++;
  }

  /** The highest load forecast between now and the lead time (null before a full season). */
  expected(): Decision['forecast'] {
    if (!this.connections.ready) return null;
    // The bucket in progress is forecast step 1; the lead time reaches this many steps past it.
    const steps = 1 + Math.ceil(this.opts.leadMs / this.opts.bucketMs);
    let connections = 0;
    let messagesPerSecond = 0;
    for (let h = 1; h <= steps; h++) {
      connections = Math.max(connections, this.connections.forecast(h)!);
      messagesPerSecond = Math.max(messagesPerSecond, this.rate.forecast(h)!);
    }
    return { connections, messagesPerSecond };
  }

  decide(now: number, _current: number, load: ClusterLoad): Decision {
    this.observe(now, load);
    const forecast = this.expected();
    if (!forecast) return { desired: this.opts.bounds.min, reason: 'no forecast yet (less than one season of history)', forecast };
    const desired = clamp(edgesFor(forecast, this.opts.capacity, this.opts.target), this.opts.bounds);
    return { desired, reason: `forecast within ${this.opts.leadMs / 1000} s: ${Math.round(forecast.connections)} connections, ${Math.round(forecast.messagesPerSecond)} msg/s`, forecast };
  }
}

/**
 * Both: the larger of the reactive and the predictive answer, within the bounds. The forecast has
 * capacity warm before a daily peak; the reactive part catches what no forecast saw (a campaign
 * spike) and, because the forecast covers the way up, may scale down sooner than HPA alone dares.
 */
export class CombinedPolicy implements ScalingPolicy {
  constructor(private readonly reactive: ScalingPolicy, private readonly predictive: PredictivePolicy, private readonly bounds: Bounds) {}

  decide(now: number, current: number, load: ClusterLoad): Decision {
    const r = this.reactive.decide(now, current, load);
    const p = this.predictive.decide(now, current, load);
    const desired = clamp(Math.max(r.desired, p.desired), this.bounds);
    const reason = p.desired > r.desired ? `predictive: ${p.reason}` : `reactive: ${r.reason}`;
    return { desired, reason, forecast: p.forecast };
  }
}
