/** The cluster's load at one moment, summed over the edges' load reports. */
export interface ClusterLoad {
  connections: number;
  messagesPerSecond: number;
  /** The worst event-loop lag among the edges (ms). */
  eventLoopLagMs: number;
}

/** What one edge can take; utilisation is measured against it. */
export interface EdgeCapacity {
  connections: number;
  messagesPerSecond: number;
}

/** Edges needed so that the load is at `target` utilisation of each edge (by the busier measure). */
export function edgesFor(load: Pick<ClusterLoad, 'connections' | 'messagesPerSecond'>, capacity: EdgeCapacity, target: number): number {
  const needed = Math.max(load.connections / capacity.connections, load.messagesPerSecond / capacity.messagesPerSecond) / target;
  // A hair above a whole number is float noise, not a reason for one more edge.
  return Math.ceil(needed - 1e-9);
}
