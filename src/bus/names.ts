/**
 * Every RocketMQ name rocketpush uses, in one place. deploy/rocketmq/topics.txt creates the topics;
 * consumer groups are created by the broker on first use (autoCreateSubscriptionGroup).
 */

/** FIFO topic that carries every accepted publish between edges, in batches. */
export const DELIVERY_TOPIC = 'rp-deliver';

/** Tag of a delivery batch that every edge reads. */
export const BROADCAST_TAG = 'all';

/** Tag of a delivery batch for one edge only (the route table found subscribers there). */
export function edgeTag(edgeId: string): string {
  return `e-${edgeId}`;
}

/** Tag of a batch no edge has subscribers for: stored (accepted means durable), read by nobody. */
export const NOBODY_TAG = 'none';

/** What an edge's consumer group reads of the delivery topic. */
export function edgeFilter(edgeId: string): string {
  return `${BROADCAST_TAG} || ${edgeTag(edgeId)}`;
}

/** Whether an edge's filter (edgeFilter) takes batches of this tag. */
export function edgeReadsTag(edgeId: string, tag: string): boolean {
  return tag === BROADCAST_TAG || tag === edgeTag(edgeId);
}

/** Whether some edge reads batches of both tags: only then does their order matter to anyone. */
export function tagsShareReaders(a: string, b: string): boolean {
  if (a === NOBODY_TAG || b === NOBODY_TAG) return false;
  return a === b || a === BROADCAST_TAG || b === BROADCAST_TAG;
}

/** Each edge has its own group, so every edge sees every batch (POP balances inside a group). */
export function edgeConsumerGroup(edgeId: string): string {
  return `rp-edge-${edgeId}`;
}

/**
 * Message group of a batch: one lane of one producer, whatever the batch's tag. All batches of a
 * lane land in one queue, in the order RocketMQ stored them, which with the batches' numbers keeps
 * one publisher's messages in order (a publisher always maps to one lane), also when its messages
 * move from one tag to another.
 */
export function laneMessageGroup(producerId: string, lane: number): string {
  return `${producerId}-${lane}`;
}

/** NORMAL topic that readiness probes send to: proves the gRPC proxy and broker answer SEND_OK. */
export const HEALTH_TOPIC = 'rp-health';

/** NORMAL topic for control messages between edges (session takeover); every edge reads all of it. */
export const CONTROL_TOPIC = 'rp-control';

/**
 * LITE parent topic of the persistent sessions' queues: one lite topic per session generation
 * holds the QoS 1/2 messages that session has not acknowledged yet.
 */
export const SESSION_TOPIC = 'rp-session';

/** The one consumer group (FIFO, bound to SESSION_TOPIC) through which edges read session queues. */
export const SESSION_GROUP = 'rp-sessions';

/** Lite topic of one session generation: short (the broker allows 64 characters), never a client id. */
export function sessionLiteTopic(generation: string): string {
  return `s-${generation}`;
}

/** DELAY topic holding pushes until their delivery time (RocketMQ timer messages). */
export const DELAY_TOPIC = 'rp-delay';

/** Consumer group of the API processes that send delayed pushes when they come due. */
export const SCHEDULER_GROUP = 'rp-scheduler';
