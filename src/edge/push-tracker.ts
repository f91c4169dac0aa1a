import type { Client } from 'aedes';
import type { Receipt } from '../cluster/push-status-store.js';
import { FROM_BUS } from './bus-emitter.js';
import { takePacketId } from './aedes-adapter.js';

/** Live push deliveries remembered for their receipts, at most (the oldest are forgotten first). */
const REMEMBERED = 100_000;

interface ForwardedPacket { brokerId?: string; brokerCounter?: number; qos?: number; messageId?: number }


/**
 * Receipts for pushes delivered live through aedes (clean sessions, and QoS 0 subscriptions of
 * persistent ones). A push message enters aedes with a broker counter of its own, which aedes
 * copies into every device's copy: that names the push when a copy is forwarded. A clean
 * session's copy gets its packet id here, taken from the client's sequence as aedes would, so that
 * the device's PUBACK or PUBCOMP names the push too.
 */
export class PushTracker {
  private readonly byCounter = new Map<number, string>();
  private readonly byPacket = new Map<string, string>();

  constructor(private readonly receipt: (pushId: string, deviceId: string, state: Receipt['state']) => void) {}

  /** A push message enters aedes with this broker counter. */
  label(brokerCounter: number, pushId: string): void {
    remember(this.byCounter, brokerCounter, pushId);
  }

  /** aedes forwards `packet` to `client`: answers the packet to write (with its packet id when tracked). */
  forward<P extends ForwardedPacket>(client: Client, packet: P): P {
    if (packet.brokerId !== FROM_BUS || packet.brokerCounter === undefined) return packet;
    const pushId = this.byCounter.get(packet.brokerCounter);
    if (!pushId) return packet;
    this.receipt(pushId, client.id, 'sent');
    if (!client.clean || !packet.qos || packet.messageId) return packet;
    const messageId = takePacketId(client);
    remember(this.byPacket, `${client.id}\u0000${messageId}`, pushId);
    return { ...packet, messageId };
  }

  /** PUBACK or PUBCOMP of a packet aedes delivered. */
  acknowledged(client: Client, messageId: number): void {
    const key = `${client.id}\u0000${messageId}`;
    const pushId = this.byPacket.get(key);
    if (!pushId) return;
    this.byPacket.delete(key);
    this.receipt(pushId, client.id, 'acked');
  }
}

function remember<K>(map: Map<K, string>, key: K, value: string): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > REMEMBERED) map.delete(map.keys().next().value!);
}
