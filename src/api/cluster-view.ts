import type { EdgeRecord, EdgeRegistry } from '../cluster/edge-registry.js';
import type { SessionRegistry } from '../cluster/session-registry.js';
import type { SessionStore } from '../cluster/session-store.js';
import type { Logger } from '../log.js';
import type { EdgeLoad, EdgeLoadStore } from '../cluster/edge-load.js';
import type { AutoscalerStore } from '../autoscaler/autoscaler-store.js';
import type { AutoscalerStatus } from '../autoscaler/autoscaler.js';

/** The stores the view reads. */
export interface ClusterViewStores {
  edges: EdgeRegistry;
  sessionRegistry: SessionRegistry;
  sessions: SessionStore;
  edgeLoads: EdgeLoadStore;
  autoscaler: AutoscalerStore;
}

export interface EdgeView {
  id: string;
  mqttPort: number;
  pid: number;
  startedAt: number;
  lastSeenAt: number;
  /** Seen within the lease: a dead edge stays listed until a live one reaps it. */
  alive: boolean;
  connections: number;
  /** Its last load report (null: none, e.g. an edge of an older version or one that stopped). */
  load: EdgeLoad | null;
  stats: Record<string, number>;
}

export interface ClientView {
  clientId: string;
  connected: boolean;
  edgeId: string | null;
  connectedSince: number | null;
  persistentSession: boolean;
  /** From its edge while connected, from Redis for an offline persistent session; null when its edge did not answer. */
  subscriptions: { topic: string; qos: 0 | 1 | 2 }[] | null;
  /** Messages queued for a persistent session and not acknowledged yet (null: clean session). */
  queueDepth: number | null;
}

/** How long a lookup waits for the client's edge to list its subscriptions. */
const EDGE_LOOKUP_TIMEOUT_MS = 2000;

export interface SessionView {
  clientId: string;
  connected: boolean;
  edgeId: string | null;
  subscriptions: { topic: string; qos: 0 | 1 | 2 }[];
  /** Messages queued for the session and not acknowledged by the device yet. */
  queueDepth: number;
  /** When the oldest of them was published (null: none waiting). */
  oldestPendingAt: number | null;
}

/**
 * The cluster as Redis knows it, for operators: the edges and their last heartbeat, where a client
 * is connected, and what a persistent session holds. Read-only; every answer is one snapshot.
 */
export class ClusterView {
  private readonly edgeRegistry: EdgeRegistry;
  private readonly sessions: SessionRegistry;
  private readonly store: SessionStore;
  readonly loads: EdgeLoadStore;
  private readonly autoscalerStore: AutoscalerStore;

  constructor(stores: ClusterViewStores, private readonly leaseMs: number, private readonly log: Logger) {
    this.edgeRegistry = stores.edges;
    this.sessions = stores.sessionRegistry;
    this.store = stores.sessions;
    this.loads = stores.edgeLoads;
    this.autoscalerStore = stores.autoscaler;
  }

  /** The autoscaler's last decision (null: no autoscaler has run). */
  autoscaler(): Promise<AutoscalerStatus | null> {
    return this.autoscalerStore.status();
  }

  /** The edge a client id is connected to now, if any. */
  async locate(clientId: string): Promise<string | null> {
    return (await this.sessions.locate(clientId))?.edgeId ?? null;
  }

  async edges(now = Date.now()): Promise<EdgeView[]> {
    const [records, loads] = await Promise.all([this.edgeRegistry.list(), this.loads.list()]);
    const loadOf = new Map(loads.map((l) => [l.edgeId, l]));
    return records.sort((a, b) => a.id.localeCompare(b.id)).map((r) => edgeView(r, loadOf.get(r.id) ?? null, now, this.leaseMs));
  }

  async client(clientId: string): Promise<ClientView | null> {
    const [location, persistent] = await Promise.all([this.sessions.locate(clientId), this.store.exists(clientId)]);
    if (!location && !persistent) return null;
    const [live, stored, queueDepth] = await Promise.all([
      location ? this.askEdge(location.edgeId, clientId) : Promise.resolve(null),
      persistent ? this.store.subscriptions(clientId) : Promise.resolve(null),
      persistent ? this.store.pending(clientId) : Promise.resolve(null),
    ]);
    return {
      clientId,
      connected: location !== null,
      edgeId: location?.edgeId ?? null,
      connectedSince: location?.since ?? null,
      persistentSession: persistent,
      subscriptions: live ?? stored,
      queueDepth,
    };
  }

  /** A connected client's subscriptions from its edge's HTTP port; null when the edge does not answer. */
  private async askEdge(edgeId: string, clientId: string): Promise<ClientView['subscriptions']> {
    const edge = await this.edgeRegistry.get(edgeId);
    if (!edge?.httpUrl) return null;
    try {
      const res = await fetch(`${edge.httpUrl}/clients/${encodeURIComponent(clientId)}`, { signal: AbortSignal.timeout(EDGE_LOOKUP_TIMEOUT_MS) });
      if (!res.ok) return null;
      const body = await res.json() as { subscriptions?: { topic: string; qos: 0 | 1 | 2 }[] };
      return Array.isArray(body.subscriptions) ? body.subscriptions : null;
    } catch (err) {
      this.log.warn('edge did not answer a client lookup', { edgeId, clientId, error: String(err) });
      return null;
    }
  }

  async session(clientId: string): Promise<SessionView | null> {
    if (!(await this.store.exists(clientId))) return null;
    const [location, subscriptions, queueDepth, queue] = await Promise.all([
      this.sessions.locate(clientId),
      this.store.subscriptions(clientId),
      this.store.pending(clientId),
      this.store.queueState(clientId),
    ]);
    return {
      clientId,
      connected: location !== null,
      edgeId: location?.edgeId ?? null,
      subscriptions,
      queueDepth,
      oldestPendingAt: queue.oldestQueuedAt,
    };
  }
}

function edgeView(r: EdgeRecord, load: EdgeLoad | null, now: number, leaseMs: number): EdgeView {
  return {
    id: r.id,
    mqttPort: r.port,
    pid: r.pid,
    startedAt: r.startedAt,
    lastSeenAt: r.seenAt,
    alive: now - r.seenAt <= leaseMs,
    connections: load?.connections ?? r.stats?.connectedClients ?? 0,
    load,
    stats: r.stats ?? {},
  };
}
