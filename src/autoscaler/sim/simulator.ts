import type { EdgeCapacity } from '../load.js';
import type { ScalingPolicy } from '../policy.js';
import type { TracePoint } from './trace.js';

/** The edges as the simulator models them. */
export interface EdgeModel {
  capacity: EdgeCapacity;
  /** From the decision to start one until it takes devices (start-up and warm-up). */
  startMs: number;
  /** From the decision to drain one until it is gone (it costs until then, and takes nothing new). */
  drainMs: number;
  /** Edges at the start of the trace. */
  initial: number;
}

export interface SimulationResult {
  edgeHours: number;
  minutesOverCapacity: number;
  scaleEvents: number;
  /** Per trace point: the load, the edges taking devices, and all edges that cost (starting and draining too). */
  series: { t: number; connections: number; messagesPerSecond: number; ready: number; paid: number }[];
}

interface SimEdge { state: 'starting' | 'ready' | 'draining'; since: number }

/**
 * Replays a load trace through a policy: one decision per trace point, edges that take `startMs` to
 * come up and `drainMs` to leave. A minute is over capacity when the ready edges cannot hold its
 * connections or its message rate. Only points from `scoreFromMs` on are counted, so that every
 * policy is scored on the days after the forecast's first (learning) day.
 */
export function simulate(trace: readonly TracePoint[], policy: ScalingPolicy, model: EdgeModel, scoreFromMs = 0): SimulationResult {
  let edges: SimEdge[] = Array.from({ length: model.initial }, () => ({ state: 'ready' as const, since: -Infinity }));
  const result: SimulationResult = { edgeHours: 0, minutesOverCapacity: 0, scaleEvents: 0, series: [] };
  for (let i = 0; i < trace.length; i++) {
    const p = trace[i]!;
    const stepMs = (trace[i + 1]?.t ?? p.t + (p.t - (trace[i - 1]?.t ?? p.t - 60_000))) - p.t;
    for (const e of edges) if (e.state === 'starting' && p.t - e.since >= model.startMs) e.state = 'ready';
    edges = edges.filter((e) => !(e.state === 'draining' && p.t - e.since >= model.drainMs));
    const ready = edges.filter((e) => e.state === 'ready').length;
    const scored = p.t >= scoreFromMs;
    const over = p.connections > ready * model.capacity.connections || p.messagesPerSecond > ready * model.capacity.messagesPerSecond;
    if (scored && over) result.minutesOverCapacity += stepMs / 60_000;
    if (scored) result.edgeHours += (edges.length * stepMs) / 3_600_000;
    result.series.push({ t: p.t, connections: p.connections, messagesPerSecond: p.messagesPerSecond, ready, paid: edges.length });

    const active = edges.filter((e) => e.state !== 'draining');
    const { desired } = policy.decide(p.t, active.length, { connections: p.connections, messagesPerSecond: p.messagesPerSecond, eventLoopLagMs: 0 });
    if (desired > active.length) {
      for (let n = active.length; n < desired; n++) edges.push({ state: 'starting', since: p.t });
      if (scored) result.scaleEvents++;
    } else if (desired < active.length) {
      // Edges still starting are given up first; then ready ones are drained.
      const leaving = [...active].sort((a, b) => (a.state === 'starting' ? -1 : 0) - (b.state === 'starting' ? -1 : 0)).slice(0, active.length - desired);
      for (const e of leaving) { e.state = 'draining'; e.since = p.t; }
      if (scored) result.scaleEvents++;
    }
  }
  return result;
}
