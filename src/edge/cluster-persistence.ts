import type { Client } from 'aedes';
import type { SessionStore } from '../cluster/session-store.js';
import type { Logger } from '../log.js';
import type { SessionOutbox } from './session-outbox.js';

interface Packet { cmd?: string; messageId?: number; topic?: string }
type Subscription = { topic: string; qos: number };

/**
 * aedes' persistence for this edge: aedes' in-memory store for what only lives as long as a
 * connection (clean sessions, inbound QoS 2 ids, the retained copy), with the persistent-session
 * calls redirected to the cluster: subscriptions go to Redis, where any edge finds them at the
 * device's next CONNECT, and the handshake of queued messages goes to the session outbox. aedes'
 * own offline queue stays empty: the queues are in RocketMQ.
 */
export function clusterPersistence<T extends object>(
  inner: T, store: SessionStore, outbox: SessionOutbox, log: Logger,
  /** aedes passes every filter of a SUBSCRIBE here, refused ones too: only allowed ones are kept. */
  allowed: (client: Client, filter: string) => boolean = () => true,
  /** PUBACK or PUBCOMP of a message aedes delivered itself (not one from a session queue). */
  liveAcknowledged: (client: Client, messageId: number) => void = () => undefined,
): T {
  const memory = inner as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const overrides: Record<string, (...args: never[]) => unknown> = {
    subscriptionsByClient: async (client: { id: string }) => {
      const subs = await store.subscriptions(client.id);
      return subs.length > 0 ? subs : memory.subscriptionsByClient!.call(inner, client);
    },
    addSubscriptions: async (client: Client, all: Subscription[]) => {
      const subs = all.filter((s) => allowed(client, s.topic));
      const generation = outbox.generation(client.id);
      if (client.clean || !generation) return memory.addSubscriptions!.call(inner, client, subs);
      await store.subscribe(client.id, generation, subs);
    },
    removeSubscriptions: async (client: Client, filters: string[]) => {
      if (client.clean) return memory.removeSubscriptions!.call(inner, client, filters);
      await store.unsubscribe(client.id, filters);
    },
    cleanSubscriptions: async (client: Client) => {
      await Promise.all([memory.cleanSubscriptions!.call(inner, client), outbox.discard(client.id)]);
    },
    // aedes would queue QoS 1/2 messages for offline persistent clients here; RocketMQ does.
    subscriptionsByTopic: () => Promise.resolve([]),
    outgoingUpdate: async (client: Client, packet: Packet) => {
      if (!outbox.owns(client, packet.messageId)) return memory.outgoingUpdate!.call(inner, client, packet);
      // PUBREC came back and aedes is about to write PUBREL: record it first, for any edge.
      if (packet.cmd === 'pubrel') await outbox.received(client, packet.messageId!);
    },
    outgoingClearMessageId: async (client: Client, packet: Packet) => {
      if (!outbox.owns(client, packet.messageId)) {
        if (packet.messageId !== undefined) liveAcknowledged(client, packet.messageId);
        return memory.outgoingClearMessageId!.call(inner, client, packet);
      }
      outbox.acknowledged(client, packet.messageId!);
      return packet;
    },
  };
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop in overrides) {
        const fn = overrides[prop]!;
        return (...args: never[]) => Promise.resolve(fn(...args)).catch((err: unknown) => {
          log.error('session persistence call failed', { call: prop, error: String(err) });
          throw err;
        });
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
