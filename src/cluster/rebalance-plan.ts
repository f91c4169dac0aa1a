import type { EdgeLoad } from './edge-load.js';

export interface Shed {
  edgeId: string;
  /** Connections the edge closes so that its devices move to emptier edges. */
  count: number;
}

/**
 * How many connections each ready edge sheds so that every ready edge ends near its share of all
 * connections (its share of the total capacity). Only edges above their share shed; the devices
 * come back through assignment, which sends them to the edges below it. Draining and silent edges
 * take no part (a draining edge sheds everything anyway). With a `tolerance` (a fraction of the
 * share), an edge within it of its share is left alone: a later round only corrects what is off.
 */
export function rebalancePlan(loads: readonly EdgeLoad[], now: number, staleAfterMs: number, tolerance = 0): Shed[] {
  const ready = loads.filter((l) => l.state === 'ready' && now - l.reportedAt <= staleAfterMs);
  const total = ready.reduce((n, l) => n + l.connections, 0);
  const capacity = ready.reduce((n, l) => n + l.capacity, 0);
  if (ready.length < 2 || capacity === 0) return [];
  const plan: Shed[] = [];
  for (const l of ready) {
    const share = (total * l.capacity) / capacity;
    const count = Math.floor(l.connections - share);
    if (count > 0 && l.connections > share * (1 + tolerance)) plan.push({ edgeId: l.edgeId, count });
  }
  return plan;
}
