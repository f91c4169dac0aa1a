import type { Aedes, AedesOptions, Client } from 'aedes';
import type { GatedClient } from './outbound-gate.js';

/**
 * Every use of aedes beyond its typed, public API goes through here, so that an aedes upgrade is
 * checked in one place: test/unit/aedes-adapter.test.ts runs these against an in-process aedes and
 * fails when an upgrade changes what they rely on. package.json pins aedes to this exact version.
 */
export const AEDES_VERSION = '1.2.0';

/** The will a client sent in CONNECT (aedes keeps it on `_will` until it publishes or drops it). */
export interface WillPacket {
  topic: string;
  payload: Buffer | string;
  qos: 0 | 1 | 2;
  retain: boolean;
}

interface AedesClientInternals {
  /** The will aedes publishes when the connection ends without DISCONNECT (`_will` is its copy). */
  will?: WillPacket | null;
  _will?: WillPacket | null;
  /** Next packet id aedes gives an outgoing QoS 1/2 message of this client. */
  _nextId: number;
  subscriptions: Record<string, { qos: number }>;
  deliverQoS(packet: object, done: () => void): void;
}

const internals = (client: Client) => client as unknown as AedesClientInternals;

export function clientWill(client: Client): WillPacket | undefined {
  return internals(client)._will ?? undefined;
}

/** The connected client with this id, if aedes holds one. */
export function connectedClient(broker: Aedes, clientId: string): Client | undefined {
  return (broker as unknown as { clients: Record<string, Client | undefined> }).clients[clientId];
}

/** Every client aedes holds as connected (its `clients` map, by client id). */
export function connectedClientList(broker: Aedes): Client[] {
  return Object.values((broker as unknown as { clients: Record<string, Client> }).clients);
}

/**
 * Closes the connection the way a clean DISCONNECT would end it: the will is dropped, not published.
 * For a drain or a rebalance, where the device is asked to move, not lost.
 */
export function closeWithoutWill(client: Client): void {
  const c = internals(client);
  c.will = null;
  c._will = null;
  client.close();
}

/** Takes the client's next packet id as aedes itself would (1..65535, then 1 again). */
export function takePacketId(client: Client): number {
  const c = internals(client);
  const id = c._nextId;
  c._nextId = id >= 65535 ? 1 : id + 1;
  return id;
}

/** The client's subscriptions by filter, as aedes keeps them. */
export function clientSubscriptions(client: Client): Record<string, { qos: number }> {
  return internals(client).subscriptions;
}

/** Writes a QoS 1/2 packet to the client through aedes (its forward check and packet handling). */
export function deliverQoS(client: Client, packet: object, done: () => void): void {
  internals(client).deliverQoS(packet, done);
}

/** The client's deliver functions and socket, for the outbound gate to wrap before it subscribes. */
export function gatedClient(client: Client): GatedClient {
  return client as unknown as GatedClient;
}

/**
 * A broker counter for a packet entering aedes from outside, taken from aedes' own sequence as
 * aedes would: its per-client dedupe wants the counter to grow.
 */
export function nextBrokerCounter(broker: Aedes): number {
  return ++(broker as unknown as { counter: number }).counter;
}

/** aedes' hook signatures (its typings do not export them by name). */
export type PreConnectHandler = NonNullable<AedesOptions['preConnect']>;
export type AuthenticateHandler = NonNullable<AedesOptions['authenticate']>;
export type AuthorizeSubscribeHandler = NonNullable<AedesOptions['authorizeSubscribe']>;
export type AuthorizeForwardHandler = NonNullable<AedesOptions['authorizeForward']>;
export type AuthorizePublishHandler = NonNullable<AedesOptions['authorizePublish']>;
