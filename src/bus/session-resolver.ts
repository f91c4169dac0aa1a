import type { SessionStore } from '../cluster/session-store.js';
import { SessionMatcher, type SessionTarget } from './session-matcher.js';
import type { QoS } from '../message/envelope.js';
import { VersionedCache } from './versioned-cache.js';

/** The publisher's cached view of every persistent subscription in the cluster. */
export class SessionResolver {
  private readonly cache: VersionedCache<SessionMatcher>;

  constructor(store: SessionStore) {
    this.cache = new VersionedCache(new SessionMatcher([]), {
      version: () => store.indexVersion(),
      load: async () => {
        const { version, subscriptions } = await store.index();
        return { version, value: new SessionMatcher(subscriptions) };
      },
    });
  }

  get version(): number { return this.cache.version; }

  /** Runs `listener` when a new index is in place, before anyone reads it for a message. */
  onChange(listener: () => void): void { this.cache.onChange(listener); }

  targets(topic: string, qos: QoS): SessionTarget[] {
    return this.cache.value.targets(topic, qos);
  }

  start(): Promise<void> { return this.cache.start(); }

  refresh(): Promise<void> { return this.cache.refresh(); }
}
