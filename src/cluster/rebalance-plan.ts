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
 * take no part (a draining edge sheds everything anyway).
 */
export function rebalancePlan(loads: readonly EdgeLoad[], now: number, staleAfterMs: number): Shed[] {
  const ready = loads.filter((l) => l.state === 'ready' && now - l.reportedAt <= staleAfterMs);
  const total = ready.reduce((n, l) => n + l.connections, 0);
  const capacity = ready.reduce((n, l) => n + l.capacity, 0);
  if (ready.length < 2 || capacity === 0) return [];
  const plan: Shed[] = [];
  for (const l of ready) {
    const count = Math.floor(l.connections - (total * l.capacity) / capacity);
    if (count > 0) plan.push({ edgeId: l.edgeId, count });
  }
  return plan;
}
