/** Every Redis key rocketpush writes, in one place (docs/architecture.md describes each family). */
export class RedisKeys {
  constructor(private readonly prefix: string) {}

  /** Hash: MQTT topic -> encoded retained message (a one-message batch). */
  retained(): string { return `${this.prefix}retained`; }
  /** Hash: MQTT topic -> publishedAt of the retained message, so an older write never wins. */
  retainedClock(): string { return `${this.prefix}retained:clock`; }
  /** Hash: edge id -> JSON {port, pid, startedAt, seenAt}; refreshed by each edge's heartbeat. */
  edges(): string { return `${this.prefix}edges`; }
}
