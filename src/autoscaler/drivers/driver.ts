import type { EdgeLoad } from '../../cluster/edge-load.js';

/**
 * Carries a decision out. `edges` are the edges taking devices or able to (ready and unready, not
 * draining), from their load reports. A driver remembers what it set in motion, so that an edge
 * still starting (not reporting yet) is not started twice.
 */
export interface ScaleDriver {
  readonly name: string;
  /** Edges started and not among `edges` (reporting) yet. */
  starting(edges: readonly EdgeLoad[]): number;
  apply(desired: number, edges: readonly EdgeLoad[]): Promise<void>;
}

/** The edge to drain on scale-in: the one with the fewest connections (fewest devices to move). */
export function leastLoaded(edges: readonly EdgeLoad[], count: number): EdgeLoad[] {
  return [...edges].sort((a, b) => a.connections / a.capacity - b.connections / b.capacity || a.edgeId.localeCompare(b.edgeId)).slice(0, count);
}
