import type { BusMessage } from '../message/envelope.js';

/**
 * Where accepted messages go (the port the publish service writes to): the delivery topic, one
 * copy per delivery tag (an edge, or every edge), and the queues of persistent sessions. Each call
 * resolves only once the message is durable there. `BatchingProducer` is the RocketMQ one.
 */
export interface BusPublisher {
  /** To the delivery topic, tagged for each of `tags`; `laneKey` keeps one publisher's order. */
  publish(message: BusMessage, laneKey: string, tags: string[]): Promise<void>;
  /** To one persistent session's queue. */
  publishToSession(message: BusMessage, liteTopic: string): Promise<void>;
  /** Nothing while the bus takes more now; else a promise of room. */
  room(): Promise<void> | undefined;
}
