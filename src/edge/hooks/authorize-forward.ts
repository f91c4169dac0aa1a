import { clientSubscriptions, type AuthorizeForwardHandler } from '../aedes-adapter.js';
import { FROM_BUS } from '../bus-emitter.js';
import type { OutboundGate } from '../outbound-gate.js';
import type { PushTracker } from '../push-tracker.js';
import type { SessionOutbox } from '../session-outbox.js';
import { bestMatchingQos } from '../topic-filter.js';

/**
 * aedes' authorizeForward, asked for every packet on its way to one device. A QoS 1/2 message for a
 * persistent session's QoS 1/2 subscription comes from its queue (the session outbox), not live;
 * a live push copy gets its receipt and packet id; the outbound gate counts what awaits an ack.
 */
export function authorizeForwardHook(deps: { outbox: SessionOutbox; tracker: PushTracker; gate: OutboundGate }): AuthorizeForwardHandler {
  const { outbox, tracker, gate } = deps;
  return (client, packet) => {
    if (outbox.isOwnPacket(packet)) return packet;
    const p = packet as typeof packet & { brokerId?: string };
    if (!client.clean && p.qos > 0 && !p.retain && p.brokerId === FROM_BUS
      && bestMatchingQos(clientSubscriptions(client), p.topic) > 0) return null;
    const forwarded = tracker.forward(client, p);
    if (forwarded) gate.forwarded(client, forwarded);
    return forwarded;
  };
}
