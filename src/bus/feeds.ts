/**
 * The reading side of the bus, as ports: what the delivery and session consumers need of RocketMQ.
 * rocketmq-feeds.ts is the real one; memory/memory-rocketmq.ts keeps the same promises in this
 * process so the delivery path can be tested without a JVM. test/contracts/bus-feeds.contract.ts
 * holds both to the promises written here.
 */

/** One message as the bus hands it to a reader. */
export interface ReceivedMessage {
  messageId: string;
  topic: string;
  tag?: string;
  keys: string[];
  body: Buffer;
  /** When the producer sent it (ms since the epoch), if the bus tells. */
  bornAt?: number;
  /** For a delayed message: the time it was to be handed out at. */
  deliverAt?: number;
}

/** Where a session batch sits. */
export interface QueuePlace {
  /**
   * The broker group (brokerName) whose queue holds the batch; '' when it cannot be told. A
   * session's lite topic normally lives in one group, picked by the proxy from a hash of its name;
   * when a group is away, new batches go to another group, whose queue of the same lite topic
   * counts its own offsets from 0. So an offset means something only together with its group.
   */
  queue: string;
  /** The batch's offset in that queue (0, 1, 2, ...), -1 when unknown. */
  offset: number;
}

/** A session batch as the bus hands it to the edge. */
export interface ReceivedSessionMessage extends ReceivedMessage {
  liteTopic: string;
  place: QueuePlace;
}

/** What the edge made of one queued batch: acknowledged by the device, or to be read again later. */
export type SessionOutcome = 'done' | 'later';

/**
 * The delivery topic (batches tagged for this edge or for every edge) and the control topic, as one
 * edge's own consumer group reads them. Promises: every message sent after the feed was ready is
 * handed over at least once; the messages of one message group are handed over in send order, but
 * not one at a time: the next may be handed over before `consume` resolved for the previous one
 * (an edge's group is not an orderly one), so a consumer keeps order by the order of the calls.
 */
export interface DeliveryFeed {
  start(consume: (message: ReceivedMessage) => Promise<void>): Promise<void>;
  /** Stops handing out messages; what was handed out and not finished is handed out again later. */
  stop(): Promise<void>;
}

/**
 * The persistent sessions' queues (lite topics of the session topic) this edge subscribed to.
 * Promises: a queue's batches are handed over in offset order, one at a time; a batch answered
 * 'later' comes back after the feed's retry time, before any later batch of its queue; a batch
 * answered 'done' moves the queue's committed position past it.
 */
export interface SessionFeed {
  start(consume: (message: ReceivedSessionMessage) => Promise<SessionOutcome>): Promise<void>;
  /** Reads the queue from `offset` in every broker group, or from each group's committed position. */
  subscribe(liteTopic: string, offset?: number): Promise<void>;
  unsubscribe(liteTopic: string): Promise<void>;
  /** Makes the brokers hand out the queue from `offset` on (the reader had skipped batches). */
  reposition(liteTopic: string, offset: number): Promise<void>;
  /** The broker groups holding queues of the session topic; empty before the bus told. */
  queueGroups(): string[];
  stop(): Promise<void>;
}

/**
 * The delay topic through the scheduler's consumer group (every API process is a member).
 * Promises: a message is handed out at or after its delivery time, to one member; one whose
 * `consume` rejects is handed out again later.
 */
export interface DelayFeed {
  start(consume: (message: ReceivedMessage) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}
