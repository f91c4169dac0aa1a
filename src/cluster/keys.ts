/**
 * Every Redis key rocketpush writes, in one place (docs/architecture.md describes each family).
 *
 * Ready for Redis Cluster: every key carries a hash tag (`{...}`), and keys that one Lua script or
 * MULTI touches together share it, so that they are in one hash slot. A persistent session's keys
 * are tagged with its client id (spread over the cluster: they carry the delivery traffic); every
 * other family has one tag of its own. Scripts get every key they touch in KEYS.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** Hash: MQTT topic -> encoded retained message (a one-message batch). */
  retained(): string { return `${this.prefix}{retained}`; }
  /** Hash: MQTT topic -> publishedAt of the retained message, so an older write never wins. */
  retainedClock(): string { return `${this.prefix}{retained}:clock`; }
  /** Hash: edge id -> JSON {port, pid, startedAt, seenAt}; refreshed by each edge's heartbeat. */
  edges(): string { return `${this.prefix}{edges}`; }
  /** Hash: edge id -> JSON load report (EdgeLoad), rewritten every EDGE_LOAD_REPORT_MS; assignment reads it. */
  edgeLoads(): string { return `${this.prefix}{edges}:load`; }
  /** List: the cluster's load per minute (JSON), newest last, eight days kept: the autoscaler's forecast history. */
  autoscalerHistory(): string { return `${this.prefix}{autoscaler}:history`; }
  /** String: the autoscaler's last decision (JSON), for the API and the dashboard. */
  autoscalerStatus(): string { return `${this.prefix}{autoscaler}:status`; }
  /** Hash: client id -> JSON {edgeId, epoch, since}: where the client's live session is. */
  sessions(): string { return `${this.prefix}{sessions}`; }
  /** Hash: client id -> last session epoch handed out; only ever grows. */
  sessionEpochs(): string { return `${this.prefix}{sessions}:epochs`; }
  /** Set: client ids whose live session is on this edge (for the lease reaper). */
  edgeSessions(edgeId: string): string { return `${this.prefix}{sessions}:edge:${edgeId}`; }
  /** Hash: client id -> encoded will of a device connected to this edge. */
  edgeWills(edgeId: string): string { return `${this.prefix}{wills}:edge:${edgeId}`; }
  /** String with expiry: which live edge is publishing the wills of dead edge `edgeId`. */
  edgeReaping(edgeId: string): string { return `${this.prefix}{wills}:reaping:${edgeId}`; }
  /** Set: the topic filters that devices on this edge subscribe to (the route table). */
  routes(edgeId: string): string { return `${this.prefix}{routes}:edge:${edgeId}`; }
  /** Counter: grows with every route table change; publishers reload when it moved. */
  routesVersion(): string { return `${this.prefix}{routes}:version`; }
  /** Set: ids of the edges that have a route set. */
  routedEdges(): string { return `${this.prefix}{routes}:edges`; }

  /** Hash: persistent session of one client id: gen (its lite topic generation), createdAt, pid (last packet id). */
  persistentSession(clientId: string): string { return `${this.prefix}psession:{${clientId}}`; }
  /** Hash: topic filter -> granted QoS, the subscriptions of one persistent session. */
  persistentSubscriptions(clientId: string): string { return `${this.prefix}psession:{${clientId}}:subs`; }
  /**
   * Hash: delivery key (batch id:index) -> "s:<packet id>" sent or "r:<packet id>" PUBREC seen,
   * for messages of one persistent session written to the device and not yet acknowledged.
   */
  persistentInflight(clientId: string): string { return `${this.prefix}psession:{${clientId}}:inflight`; }
  /** Sorted set: delivery keys of one session acknowledged by the device (newest 1,000), by time. */
  persistentDone(clientId: string): string { return `${this.prefix}psession:{${clientId}}:done`; }
  /**
   * Sorted set: ids of the messages queued for one persistent session and not yet acknowledged,
   * scored by publishedAt (the pending cap counts them).
   */
  persistentQueued(clientId: string): string { return `${this.prefix}psession:{${clientId}}:queued`; }
  /** Hash: "<client id>\u0000<filter>" -> "<qos> <generation>", every persistent subscription (publishers match it). */
  persistentIndex(): string { return `${this.prefix}{psessions}:index`; }
  /** Counter: grows with every change of the persistent subscription index. */
  persistentIndexVersion(): string { return `${this.prefix}{psessions}:version`; }
  /** Hash: one registered device: secret (SHA-256 of it), user, tags (JSON), createdAt, updatedAt. */
  device(deviceId: string): string { return `${this.prefix}{devices}:device:${deviceId}`; }
  /** Sorted set (all scores 0, ordered by id): every registered device id, for paging. */
  devices(): string { return `${this.prefix}{devices}:all`; }
  /** Sorted set (scores 0): the device ids of one user alias. */
  userDevices(user: string): string { return `${this.prefix}{devices}:user:${user}`; }
  /** Sorted set (scores 0): the device ids carrying one tag. */
  tagDevices(tag: string): string { return `${this.prefix}{devices}:tag:${tag}`; }
  /** String, 24 h expiry: the answer to a request made with an Idempotency-Key, per API key. */
  idempotency(apiKey: string, key: string): string { return `${this.prefix}idem:{${apiKey}}:${key}`; }
  /** Hash: one API key made over the API: name, digest (SHA-256 hex), scopes, rate, createdAt, expiresAt; expires with it. */
  apiKey(id: string): string { return `${this.prefix}{apikeys}:key:${id}`; }
  /** Hash: API key name -> "<id> <expiresAt>", so that a name stays unique among live keys. */
  apiKeyNames(): string { return `${this.prefix}{apikeys}:names`; }
  /** Hash: API key name -> when it was last used (ms; written at most once a minute per API process). */
  apiKeyLastUse(): string { return `${this.prefix}{apikeys}:used`; }
  /** Hash {tokens, at}, short expiry: the rate limit bucket of one API key. */
  rateBucket(apiKey: string): string { return `${this.prefix}rate:{${apiKey}}`; }

  /**
   * Hash: one push: meta (JSON), state (scheduled, accepted, cancelled) and the device counts
   * n:pending, n:sent, n:acked, n:expired, n:cancelled, n:replaced. Expires after the retention time.
   */
  push(pushId: string): string { return `${this.prefix}{pushes}:push:${pushId}`; }
  /** Hash: device id -> its state for one push (pending, sent, acked, expired, cancelled, replaced). */
  pushDevices(pushId: string): string { return `${this.prefix}{pushes}:push:${pushId}:devices`; }
  /** Sorted set: push ids by expiresAt, for the expiry sweep (a push leaves it when swept or cancelled). */
  /** Sorted set: the newest push ids (RECENT_PUSHES_KEPT) by acceptance time, for the dashboard. */
  recentPushes(): string { return `${this.prefix}{pushes}:recent`; }
  pushExpiry(): string { return `${this.prefix}{pushes}:expiry`; }
  /** Stream: push events for the webhook (push.acknowledged, push.expired), capped in length. */
  pushEvents(): string { return `${this.prefix}{pushes}:events`; }
  /** String with the push's expiry: the newest push id sent to a device with one collapse key. */
  collapse(deviceId: string, key: string): string { return `${this.prefix}{pushes}:collapse:${deviceId}:${key}`; }
}
