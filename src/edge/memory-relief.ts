import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Logger } from '../log.js';

/**
 * Gives a flood's memory back once the flood is over. V8 collects its old generation when the heap
 * grows, not when the process goes quiet: after 50 publishers flooded an edge and left, the edge sat
 * at 280 MiB of heap (520 MiB RSS) of which 35 MiB were live, for 90 s, until something else made
 * V8 collect. An edge is one of many processes on a host or in a pod with a memory limit, so when
 * the heap stands well above what the last collection left and the event loop is nearly idle, a
 * full collection is asked for: one pause of some milliseconds (a heap of garbage is cheap to mark),
 * at most once per `minIntervalMs`.
 */
export interface MemoryReliefOptions {
  /** Heap above the level the last collection left that is worth a collection of its own. */
  thresholdBytes: number;
  everyMs: number;
  minIntervalMs: number;
  collect: () => void;
  log: Logger;
  heapUsed?: () => number;
  /** Share of the time since the last call that the event loop was busy (0-1). */
  utilization?: () => number;
  now?: () => number;
}

/** Busier than this, the process is not quiet: V8 collects a busy heap by itself, soon. */
const QUIET_UTILIZATION = 0.1;

function loopUtilization(): () => number {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return () => {
    const delta = performance.eventLoopUtilization(last);
    last = performance.eventLoopUtilization();
    return delta.utilization;
  };
}

export class MemoryRelief {
  private readonly heapUsed: () => number;
  private readonly utilization: () => number;
  private readonly now: () => number;
  private level: number;
  private lastCollectAt = -Infinity;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: MemoryReliefOptions) {
    this.heapUsed = opts.heapUsed ?? (() => process.memoryUsage().heapUsed);
    this.utilization = opts.utilization ?? loopUtilization();
    this.now = opts.now ?? Date.now;
    this.level = this.heapUsed();
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.opts.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One look at the heap; collects when it is worth it. */
  tick(): void {
    const used = this.heapUsed();
    const busy = this.utilization();
    // V8 collected by itself: what is left is the new level.
    if (used < this.level) this.level = used;
    if (busy > QUIET_UTILIZATION || used - this.level < this.opts.thresholdBytes) return;
    if (this.now() - this.lastCollectAt < this.opts.minIntervalMs) return;
    const started = this.now();
    this.opts.collect();
    this.lastCollectAt = this.now();
    this.level = this.heapUsed();
    this.opts.log.info('heap collected after a quiet spell', {
      heapBeforeMiB: Math.round(used / 1048576), heapAfterMiB: Math.round(this.level / 1048576), pauseMs: this.lastCollectAt - started,
    });
  }
}

/** V8's full collection: `gc` when the process was started with --expose-gc, else exposed now. */
export function heapCollector(): (() => void) | null {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return () => exposed();
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc: unknown = vm.runInNewContext('gc');
    return typeof gc === 'function' ? () => (gc as () => void)() : null;
  } catch {
    return null;
  }
}
