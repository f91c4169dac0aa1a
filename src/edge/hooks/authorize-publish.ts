import type { Client, PublishPacket } from 'aedes';
import type { PublishService } from '../../bus/publish-service.js';
import type { Logger } from '../../log.js';
import { PublishRejectedError } from '../../errors.js';
import { isReservedTopic } from '../../topics.js';

export interface IncomingStore {
  incomingGetPacket(client: Client, packet: { messageId?: number }): Promise<unknown>;
}

export interface DurablePublishDeps {
  publisher: PublishService;
  incoming: () => IncomingStore;
  maxPayloadBytes: number;
  /** False for a topic the device may not publish to: the publish is acknowledged and dropped. */
  mayPublish: (client: Client, topic: string) => boolean;
  log: Logger;
}

export interface DurablePublishStats {
  /** Publishes to topics starting with `$` (the server's own): acknowledged and dropped. */
  reservedTopicPublishes: number;
}

/**
 * aedes' authorizePublish hook, the one place a device's PUBLISH (and a will) enters the bus.
 * aedes sends PUBACK / PUBREC only after this hook calls back, so calling back after SEND_OK is
 * what makes "accepted means durable" hold. An error closes the device's connection, which is
 * MQTT 3.1.1's only way to refuse a publish (kept for payloads over the limit).
 */
export function durablePublishHook(deps: DurablePublishDeps, stats: DurablePublishStats = { reservedTopicPublishes: 0 }) {
  return (client: Client | null, packet: PublishPacket, callback: (error?: Error | null) => void): void => {
    if (!client) return callback(null);
    if (isReservedTopic(packet.topic)) {
      // `$` topics are the server's (MQTT-4.7.2-1: no wildcard filter matches them). Closing the
      // connection would make a client such as mqtt.js send the same packet again after every
      // reconnect, for ever; so it is acknowledged, counted and dropped, like a denied publish.
      stats.reservedTopicPublishes++;
      deps.log.info('publish to a $ topic dropped', { clientId: client.id, topic: packet.topic });
      packet.retain = false;
      return callback(null);
    }
    if (!deps.mayPublish(client, packet.topic)) {
      // MQTT 3.1.1 has no refusal for one PUBLISH: acknowledged and dropped (the bus emitter
      // drops every device publish that did not come back from RocketMQ), counted and logged.
      packet.retain = false;
      return callback(null);
    }
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    if (payload.length > deps.maxPayloadBytes) {
      deps.log.warn('publish refused: payload too large', { clientId: client.id, topic: packet.topic, bytes: payload.length, limit: deps.maxPayloadBytes });
      return callback(new PublishRejectedError(`payload of ${payload.length} bytes exceeds the limit of ${deps.maxPayloadBytes}`));
    }
    const send = () => {
      deps.publisher.publish({ topic: packet.topic, payload, qos: packet.qos, retain: packet.retain, clientId: client.id })
        .then(() => {
          // Local retained state follows the bus like every edge's does, not this shortcut.
          packet.retain = false;
          callback(null);
        }, (err: unknown) => {
          deps.log.error('publish could not be made durable', { clientId: client.id, topic: packet.topic, error: String(err) });
          callback(err instanceof Error ? err : new Error(String(err)));
        });
    };
    const start = () => {
      if (packet.qos === 2) {
        // A QoS 2 resend whose first copy is still waiting for PUBREL is in RocketMQ already.
        deps.incoming().incomingGetPacket(client, packet).then(() => callback(null), send);
      } else {
        send();
      }
    };
    // aedes hands over every packet of a read at once; under a flood they wait here, cheaply.
    const room = deps.publisher.room();
    if (room) void room.then(start);
    else start();
  };
}
