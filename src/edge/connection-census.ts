import { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';

export type ListenerKind = 'tcp' | 'tls' | 'ws';

/** The parts of an aedes client the census reads. */
interface CountedClient {
  clean: boolean;
  conn: unknown;
}

/**
 * Devices connected to this edge now, by listener and by session kind, and the device publishes
 * received by QoS: kept as events happen, so a scrape does not walk every connection.
 */
export class ConnectionCensus {
  private readonly byListener: Record<ListenerKind, number> = { tcp: 0, tls: 0, ws: 0 };
  private readonly bySession = { clean: 0, persistent: 0 };
  private readonly counted = new WeakMap<object, ListenerKind>();
  readonly publishesReceived = [0, 0, 0];

  /** A device got its CONNACK. */
  connected(client: CountedClient): void {
    if (this.counted.has(client)) return;
    const kind = listenerOf(client.conn);
    this.counted.set(client, kind);
    this.byListener[kind]++;
    this.bySession[client.clean ? 'clean' : 'persistent']++;
  }

  /** A device's connection ended (only those that were connected are counted down). */
  disconnected(client: CountedClient): void {
    const kind = this.counted.get(client);
    if (!kind) return;
    this.counted.delete(client);
    this.byListener[kind]--;
    this.bySession[client.clean ? 'clean' : 'persistent']--;
  }

  published(qos: number): void {
    if (qos >= 0 && qos <= 2) this.publishesReceived[qos]!++;
  }

  connections(): Record<ListenerKind, number> { return { ...this.byListener }; }

  sessions(): { clean: number; persistent: number } { return { ...this.bySession }; }
}

/** TLS sockets are net sockets too, so they are told apart first; anything else came over WebSocket. */
export function listenerOf(conn: unknown): ListenerKind {
  if (conn instanceof TLSSocket) return 'tls';
  if (conn instanceof Socket) return 'tcp';
  return 'ws';
}
