import type { Logger } from '../log.js';
import { WriteCoalescer, type Corkable } from './write-coalescer.js';

/** A packet on its way to one device, as aedes hands it to a client's deliver functions. */
export interface OutboundPacket {
  topic: string;
  payload: Buffer | string;
  qos: number;
  retain?: boolean;
}
type Deliver = (packet: OutboundPacket, done: () => void) => void;

/** The parts of an aedes client the gate uses (aedes' own names). */
export interface GatedClient {
  id: string;
  clean: boolean;
  conn: Corkable & { writableLength: number; destroy(error?: Error): void };
  deliver0: Deliver;
  deliverQoS: Deliver;
}

export interface OutboundLimits {
  /** Bytes waiting to be written to one device (socket buffer + handed over, not yet written). */
  maxBufferedBytes: number;
  /** QoS 1/2 messages sent to one clean-session device and not yet acknowledged. */
  maxUnacked: number;
}

export interface OutboundStats {
  /** QoS 0 messages dropped because the device's outbound buffer was full. */
  qos0DroppedBufferFull: number;
  /** Clean-session devices disconnected because they fell too far behind. */
  slowConsumerDisconnects: number;
  /** Messages not written to a device because it had been cut off (slow consumer) or was gone. */
  droppedDeviceGone: number;
  /** Messages handed to aedes for a device, by the QoS of the message. */
  deliveredQos0: number;
  deliveredQos1: number;
  deliveredQos2: number;
}

interface GateState {
  /** Bytes handed to aedes for this device that aedes has not written to the socket yet. */
  handedOver: number;
  unacked: number;
  /** Set while aedes runs a QoS 1/2 delivery of this device, so the forward hook can count it. */
  qosDelivery: boolean;
  cut: boolean;
}

/** MQTT fixed header (up to 5 bytes), topic length prefix and packet id: close enough for a bound. */
const PACKET_OVERHEAD = 9;

export function packetBytes(packet: OutboundPacket): number {
  const payload = typeof packet.payload === 'string' ? Buffer.byteLength(packet.payload) : packet.payload.length;
  return Buffer.byteLength(packet.topic) + payload + PACKET_OVERHEAD;
}

/**
 * Keeps one slow or vanished device from costing the others anything: every device gets a bounded
 * outbound buffer, and local fan-out never waits for a device's socket to drain.
 *
 * aedes answers a delivery only when the socket accepted the bytes, and waits for 'drain' when it
 * did not: one device that stopped reading then held every packet local dispatch gave it, and
 * with them the RocketMQ batch, so all devices on the edge waited. The gate wraps each client's
 * deliver functions (before any subscription captures them) and answers as soon as aedes wrote
 * the packet to the socket buffer, or at once when the packet was not written:
 * - QoS 0 for a device whose buffer is full is dropped and counted;
 * - a clean-session device whose buffer or unacknowledged QoS 1/2 backlog passes its limit is
 *   disconnected as a slow consumer (counted, logged): what it had not received is then not owed
 *   to it, as with any clean session that goes away.
 * Persistent sessions' QoS 1/2 messages come from their RocketMQ queue with a bounded window of
 * their own (the session outbox) and pass through unchanged.
 */
export class OutboundGate {
  readonly stats: OutboundStats = { qos0DroppedBufferFull: 0, slowConsumerDisconnects: 0, droppedDeviceGone: 0, deliveredQos0: 0, deliveredQos1: 0, deliveredQos2: 0 };
  private readonly states = new WeakMap<object, GateState>();

  constructor(
    private readonly limits: OutboundLimits,
    private readonly log: Logger,
    private readonly coalescer = new WriteCoalescer(),
  ) {}

  get flushes(): number { return this.coalescer.stats.flushes; }

  /** Wraps a new client's deliver functions; call before it can subscribe (aedes' preConnect). */
  guard(client: GatedClient): void {
    if (this.states.has(client)) return;
    const state: GateState = { handedOver: 0, unacked: 0, qosDelivery: false, cut: false };
    this.states.set(client, state);
    const deliver0 = client.deliver0;
    const deliverQoS = client.deliverQoS;
    const gated0: Deliver = (packet, done) => {
      const bytes = packetBytes(packet);
      if (state.cut || client.conn.destroyed) { this.stats.droppedDeviceGone++; done(); return; }
      if (this.buffered(client, state) + bytes > this.limits.maxBufferedBytes) {
        this.stats.qos0DroppedBufferFull++;
        done();
        return;
      }
      this.stats.deliveredQos0++;
      this.handOver(client, state, bytes, done, (written) => deliver0.call(client, packet, written));
    };
    const gatedQoS: Deliver = (packet, done) => {
      if (packet.qos === 0) { gated0(packet, done); return; }
      if (!client.clean) {
        // A persistent session's window is bounded by its outbox; only the write is coalesced.
        this.coalescer.hold(client.conn);
        this.countQoS(packet.qos);
        deliverQoS.call(client, packet, done);
        setImmediate(() => this.coalescer.release(client.conn));
        return;
      }
      const bytes = packetBytes(packet);
      if (state.cut || client.conn.destroyed) { this.stats.droppedDeviceGone++; done(); return; }
      if (this.buffered(client, state) + bytes > this.limits.maxBufferedBytes) {
        this.cutOff(client, state, 'outbound buffer full');
        this.stats.droppedDeviceGone++;
        done();
        return;
      }
      this.countQoS(packet.qos);
      this.handOver(client, state, bytes, done, (written) => {
        state.qosDelivery = true;
        try {
          deliverQoS.call(client, packet, written);
        } finally {
          state.qosDelivery = false;
        }
      });
      if (state.unacked > this.limits.maxUnacked) this.cutOff(client, state, 'too many unacknowledged messages');
    };
    client.deliver0 = gated0;
    client.deliverQoS = gatedQoS;
  }

  /** aedes' authorizeForward let `packet` go to `client`: a QoS 1/2 send now awaits its ack. */
  forwarded(client: object, packet: { qos: number }): void {
    const state = this.states.get(client);
    if (state?.qosDelivery && packet.qos > 0) state.unacked++;
  }

  /** PUBACK or PUBCOMP from the device. */
  acknowledged(client: object): void {
    const state = this.states.get(client);
    if (state && state.unacked > 0) state.unacked--;
  }

  /** Bytes waiting for `client` now (for tests and introspection). */
  pending(client: GatedClient): { bytes: number; unacked: number } {
    const state = this.states.get(client);
    return { bytes: state ? this.buffered(client, state) : 0, unacked: state?.unacked ?? 0 };
  }

  private countQoS(qos: number): void {
    if (qos === 2) this.stats.deliveredQos2++;
    else this.stats.deliveredQos1++;
  }

  private buffered(client: GatedClient, state: GateState): number {
    return client.conn.writableLength + state.handedOver;
  }

  /**
   * aedes writes a delivery on a later turn of the event loop (setImmediate) and answers only
   * after 'drain' when the socket is full. Our turn is queued after aedes' own, so when it comes
   * the packet is in the socket buffer (or was not written at all): then local dispatch is told.
   */
  private handOver(client: GatedClient, state: GateState, bytes: number, done: () => void, deliver: (written: () => void) => void): void {
    state.handedOver += bytes;
    this.coalescer.hold(client.conn);
    deliver(noop);
    setImmediate(() => {
      state.handedOver -= bytes;
      this.coalescer.release(client.conn);
      done();
    });
  }

  private cutOff(client: GatedClient, state: GateState, reason: string): void {
    if (state.cut) return;
    state.cut = true;
    this.stats.slowConsumerDisconnects++;
    this.log.warn('slow consumer disconnected', {
      clientId: client.id, reason, bufferedBytes: this.buffered(client, state), unacked: state.unacked,
      limits: this.limits,
    });
    client.conn.destroy(new Error(`slow consumer: ${reason}`));
  }
}

function noop(): void { /* the gate answers local dispatch itself */ }
