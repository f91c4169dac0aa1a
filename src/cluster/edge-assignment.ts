import type { EdgeLoad } from './edge-load.js';

export interface AssignmentPolicy {
  /** A report older than this says nothing: its edge may be gone (a few report intervals). */
  staleAfterMs: number;
  /** An edge whose event loop lags more than this is used only when every edge does. */
  hotLagMs: number;
  /** Likewise for CPU, in cores. */
  hotCpu: number;
  /** Edges within this fraction of the least-loaded one's utilisation (plus one device) count as equally loaded. */
  band: number;
}

export interface Candidate {
  load: EdgeLoad;
  /** Devices sent to the edge since its report, which the report cannot count yet. */
  pending: number;
  /** The edge's report before this one, when the assigner saw it. */
  earlier?: EdgeLoad;
}

/** Connections (reported plus pending) against capacity. */
export function utilisation(c: Candidate): number {
  return (c.load.connections + c.pending) / c.load.capacity;
}

/** Ready, reported recently and below its capacity: the only edges a device may be sent to. */
export function eligible(c: Candidate, now: number, policy: AssignmentPolicy): boolean {
  return c.load.state === 'ready' && now - c.load.reportedAt <= policy.staleAfterMs && c.load.connections + c.pending < c.load.capacity;
}

function over(l: EdgeLoad, policy: AssignmentPolicy): boolean {
  return l.eventLoopLagMs > policy.hotLagMs || l.cpu > policy.hotCpu;
}

/**
 * Hot in two reports running. One interval's p99 lag catches a single GC pause or a moment of a
 * busy machine, and a new edge's first report holds its start-up work: turning every device away
 * from such an edge for a second leaves the cluster lopsided after a rebalance or a scale-out.
 */
function hot(c: Candidate, policy: AssignmentPolicy): boolean {
  return over(c.load, policy) && c.earlier !== undefined && over(c.earlier, policy);
}

/**
 * The edge for the next device: the least utilised eligible edge, avoiding hot ones (lagging or
 * CPU-bound) while a cool one has room. Among edges about equally utilised (within `band`) the
 * choice is random, weighted by free capacity, so that many assigners working from the same
 * reports do not all pick the same edge. Null when no edge may take a device.
 */
export function chooseEdge(candidates: readonly Candidate[], now: number, policy: AssignmentPolicy, random: () => number = Math.random): EdgeLoad | null {
  const open = candidates.filter((c) => eligible(c, now, policy));
  if (open.length === 0) return null;
  const cool = open.filter((c) => !hot(c, policy));
  const pool = cool.length > 0 ? cool : open;
  const least = Math.min(...pool.map(utilisation));
  const equals = pool.filter((c) => utilisation(c) <= least * (1 + policy.band) + 1 / c.load.capacity);
  const weights = equals.map((c) => c.load.capacity - c.load.connections - c.pending);
  const total = weights.reduce((a, b) => a + b, 0);
  let pick = random() * total;
  for (let i = 0; i < equals.length; i++) {
    pick -= weights[i]!;
    if (pick < 0) return equals[i]!.load;
  }
  return equals[equals.length - 1]!.load;
}

export interface Assignment {
  edgeId: string;
  addresses: EdgeLoad['addresses'];
  /** `current_edge`: the device is connected there now, so its reconnect is a local takeover. */
  reason: 'least_loaded' | 'current_edge';
}

export interface AssignerDeps {
  /** The edges' latest load reports. */
  loads: () => Promise<EdgeLoad[]>;
  /** The edge a client id is connected to now, if any. */
  locate: (deviceId: string) => Promise<string | null>;
  policy: AssignmentPolicy;
  /** Reports are read again after this long; callers in between share one read. */
  refreshMs: number;
  clock?: () => number;
  random?: () => number;
}

/**
 * Sends devices to edges by the edges' own load reports (feedback balancing). Between two reports
 * an edge's count cannot show the devices just sent to it, so the assigner counts those itself and
 * adds them: without that, every device asking within one second would go to the same edge.
 * The count is this process' own; several API processes each correct for their own assignments,
 * and the next report corrects all of them.
 */
export class EdgeAssigner {
  private cached: { at: number; loads: Promise<EdgeLoad[]> } | null = null;
  /** Per edge, when devices were sent to it (only those newer than its last report are kept). */
  private readonly sent = new Map<string, number[]>();
  /** Per edge, its last two reports seen (to tell a lasting heat from one hot interval). */
  private readonly seen = new Map<string, { latest: EdgeLoad; earlier?: EdgeLoad }>();
  private readonly clock: () => number;
  private readonly random: () => number;

  constructor(private readonly deps: AssignerDeps) {
    this.clock = deps.clock ?? Date.now;
    this.random = deps.random ?? Math.random;
  }

  private loads(now: number): Promise<EdgeLoad[]> {
    if (!this.cached || now - this.cached.at >= this.deps.refreshMs) {
      const loads = this.deps.loads();
      loads.catch(() => { if (this.cached?.loads === loads) this.cached = null; });
      this.cached = { at: now, loads };
    }
    return this.cached.loads;
  }

  private candidates(loads: EdgeLoad[]): Candidate[] {
    const live = new Set(loads.map((l) => l.edgeId));
    for (const id of this.sent.keys()) if (!live.has(id)) this.sent.delete(id);
    for (const id of this.seen.keys()) if (!live.has(id)) this.seen.delete(id);
    return loads.map((load) => {
      const times = (this.sent.get(load.edgeId) ?? []).filter((t) => t >= load.reportedAt);
      this.sent.set(load.edgeId, times);
      const before = this.seen.get(load.edgeId);
      const history = !before ? { latest: load }
        : before.latest.reportedAt === load.reportedAt ? before
          : { latest: load, earlier: before.latest };
      this.seen.set(load.edgeId, history);
      return { load, pending: times.length, earlier: history.earlier };
    });
  }

  /** The edge for a device (null: every edge is full, draining or silent). */
  async assign(deviceId?: string): Promise<Assignment | null> {
    const now = this.clock();
    const [loads, current] = await Promise.all([this.loads(now), deviceId ? this.deps.locate(deviceId) : Promise.resolve(null)]);
    const candidates = this.candidates(loads);
    if (current) {
      const there = candidates.find((c) => c.load.edgeId === current);
      // Its own connection is counted there already, so "below capacity" is not asked of it.
      if (there && there.load.state === 'ready' && now - there.load.reportedAt <= this.deps.policy.staleAfterMs) {
        return { edgeId: there.load.edgeId, addresses: there.load.addresses, reason: 'current_edge' };
      }
    }
    const chosen = chooseEdge(candidates, now, this.deps.policy, this.random);
    if (!chosen) return null;
    this.sent.get(chosen.edgeId)!.push(now);
    return { edgeId: chosen.edgeId, addresses: chosen.addresses, reason: 'least_loaded' };
  }
}
