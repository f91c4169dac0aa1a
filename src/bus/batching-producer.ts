import { Waiters } from './waiters.js';
import { randomUUID } from 'node:crypto';
import { Producer, type MessageOptions } from 'rocketmq-client-nodejs';
import type { Logger } from '../log.js';
import { isBadRequest, isTopicTypeConflict, rocketmqClientLogger, startClient } from './client-support.js';
import { MAX_PREVIOUS, encodeBatch, encodedSize, type BusMessage, type Previous } from '../message/envelope.js';
import { BROADCAST_TAG, CONTROL_TOPIC, DELAY_TOPIC, DELIVERY_TOPIC, HEALTH_TOPIC, SESSION_TOPIC, laneMessageGroup, tagsShareReaders } from './names.js';
import { BusUnavailableError, DelayRefusedError, ProducerStoppedError } from '../errors.js';
import { backoffMs, sleep, withTimeout } from '../timing.js';
import type { BusPublisher } from './bus-publisher.js';
import { RenewingSender } from './renewing-sender.js';

export interface BatchingProducerOptions {
  endpoints: string;
  namespace: string;
  requestTimeoutMs: number;
  /** Names this producer's lanes (message groups); the edge id or `api-<pid>`. */
  producerId: string;
  maxMessages: number;
  maxBytes: number;
  lingerMs: number;
  lanes: number;
  /**
   * Batches of one delivery lane sent and not yet answered, at most. Above 1 a lane does not wait
   * for RocketMQ's answer before it sends its next batch; the batches carry their place in the lane
   * and readers restore the order (stream-order.ts). Session lanes always keep 1: their queues are
   * read in stored order.
   */
  laneInFlight: number;
  /** Messages waiting across all lanes before publish() waits for room (back-pressure). */
  maxQueued: number;
  retryMaxMs: number;
  log: Logger;
  /** What writes to RocketMQ; a rocketmq-client-nodejs Producer unless given (tests pass a fake). */
  sender?: BusSender;
  /** Told of each batch RocketMQ answered (metrics). */
  observer?: SendObserver;
}

/** What the batching producer reports of each batch RocketMQ answered. */
export interface SendObserver {
  batchSent(seconds: number, messages: number): void;
}

/** The part of a RocketMQ producer the batcher uses. */
export interface BusSender {
  startup(): Promise<void>;
  shutdown(): Promise<unknown>;
  send(message: MessageOptions): Promise<unknown>;
}

interface Pending {
  message: BusMessage;
  size: number;
  /** Place of the publish in its lane (all its tags share it). */
  order: number;
  /** The publisher (lane key). */
  key: string;
  /**
   * The place of this publisher's previous publish when it went to other tags and was not yet in a
   * batch; -1 otherwise. This one must not be sent before that one (see Lane.publishers).
   */
  after: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** What a lane has queued for one delivery tag. */
interface TagQueue {
  tag: string;
  items: Pending[];
  bytes: number;
  /** Batches of this tag sent and not yet answered. */
  inFlight: number;
}

/** One batch of a lane, from its send until its publishes are answered. */
interface Sent {
  seq: number;
  queue: TagQueue;
  items: Pending[];
  /** RocketMQ answered SEND_OK, or the producer gave up (`error`). */
  done: boolean;
  /** When it was done (Date.now()). */
  doneAt: number;
  error: Error | null;
}

interface Lane {
  index: number;
  /** Set for a lane that writes one persistent session's queue instead of the delivery topic. */
  liteTopic?: string;
  /** Names this lane in this life of the producer; '' for a session lane (no reader reorders it). */
  stream: string;
  /** Numbers the lane's batches, across all its tags. */
  nextSeq: number;
  nextOrder: number;
  /** Batches of one tag in flight at most. */
  window: number;
  queues: Map<string, TagQueue>;
  queued: number;
  /** Batches sent, oldest first; their publishes are answered in this order. */
  sent: Sent[];
  /** The last batch sent of each tag: what the next batch names as its previous ones. */
  lastOfTag: Map<string, Sent>;
  /**
   * Publishers with publishes queued here: the place and tags of the last one, and how many of
   * their queued items are not in a batch yet. A publisher whose messages move to other tags (a
   * route change, another topic) must not have a later message sent before an earlier one.
   */
  publishers: Map<string, { order: number; tags: string; unsent: number }>;
  /** A send of this lane is scheduled (next turn of the event loop, or after the linger). */
  timer: NodeJS.Timeout | NodeJS.Immediate | null;
}

/** Batches of one lane in flight across all its tags at most. */
const LANE_MAX_IN_FLIGHT = 64;

/** A tag's last batch is no longer named by a lane's next batches this long after it was answered. */
const FORGET_TAG_AFTER_MS = 60_000;

export interface BatchingProducerStats {
  queued: number;
  batchesSent: number;
  messagesSent: number;
  sendRetries: number;
}

/**
 * Writes accepted publishes to RocketMQ, many per RocketMQ message. A publish resolves only after
 * the batch holding it was answered SEND_OK, which is what lets the edge send PUBACK / PUBREC.
 *
 * A publisher's messages always share one lane. A lane numbers its batches (its stream and seq)
 * and keeps up to `laneInFlight` of them in flight; readers put them back in that order, and the
 * lane answers its publishes in that order too, so PUBACKs keep the order of the PUBLISHes
 * (MQTT-4.6.0-2) whichever batch RocketMQ answers first. Lanes run in parallel for throughput.
 * While a lane's window is full the next batch fills up, so batches grow with load and the linger
 * only matters when idle.
 * A failed send is retried with the same batch id until it succeeds or the producer stops:
 * consumers drop repeated batch ids, so a retry never delivers twice at QoS 2.
 */
export class BatchingProducer implements BusPublisher {
  private readonly producer: BusSender;
  private readonly lanes = new Map<string, Lane>();
  private queued = 0;
  private readonly roomWaiters = new Waiters();
  private running = false;
  private readonly idleWaiters: Array<() => void> = [];
  private readonly counters = { batchesSent: 0, messagesSent: 0, sendRetries: 0 };
  /** Tells this life of the producer from the last one: a restarted edge's lanes count from 0 again. */
  private readonly life = randomUUID().slice(0, 8);

  constructor(private readonly opts: BatchingProducerOptions) {
    this.producer = opts.sender ?? new RenewingSender(() => new Producer({
      endpoints: opts.endpoints,
      namespace: opts.namespace,
      requestTimeout: opts.requestTimeoutMs,
      topics: [DELIVERY_TOPIC, HEALTH_TOPIC, CONTROL_TOPIC],
      logger: rocketmqClientLogger(opts.log),
    }), opts.log);
  }

  get stats(): BatchingProducerStats {
    return { queued: this.queued, ...this.counters };
  }

  private retryBackoffMs(attempt: number): number {
    return backoffMs(attempt, { firstMs: 200, maxMs: this.opts.retryMaxMs });
  }

  async start(): Promise<void> {
    await startClient(this.producer, 30_000, 'RocketMQ producer startup');
    this.running = true;
  }

  /**
   * Resolves once the message is durable in RocketMQ, in one batch per delivery tag.
   * `laneKey` keeps one publisher's order.
   */
  async publish(message: BusMessage, laneKey: string, tags: string[]): Promise<void> {
    await this.enqueue(message, this.lane(laneIndex(laneKey, this.opts.lanes)), laneKey, tags);
  }

  /**
   * Writes a message to one persistent session's queue (its lite topic); resolves on SEND_OK.
   * One lane per session, so one publisher's messages reach each session in order.
   */
  async publishToSession(message: BusMessage, liteTopic: string): Promise<void> {
    const key = `s|${liteTopic}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = newLane(0, '', 1, liteTopic);
      this.lanes.set(key, lane);
    }
    await this.enqueue(message, lane, '', ['']);
  }

  private lane(index: number): Lane {
    const key = String(index);
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = newLane(index, `${this.opts.producerId}.${this.life}.${index}`, Math.max(1, this.opts.laneInFlight));
      this.lanes.set(key, lane);
    }
    return lane;
  }

  /**
   * Nothing while the queue has room; else a promise of room. A caller with a flood of work waits
   * here before it builds anything: a waiting publish then costs a promise, not a whole message
   * with its pending sends (50 flooding publishers held ~35,000 of those, 150 MiB live).
   */
  room(): Promise<void> | undefined {
    if (this.queued < this.opts.maxQueued || !this.running) return undefined;
    return this.roomWaiters.wait();
  }

  private async enqueue(message: BusMessage, lane: Lane, key: string, tags: string[]): Promise<void> {
    if (!this.running) throw new ProducerStoppedError('producer is stopped');
    while (this.queued >= this.opts.maxQueued) {
      await this.roomWaiters.wait();
      if (!this.running) throw new ProducerStoppedError('producer is stopped');
    }
    const order = lane.nextOrder++;
    const tagsKey = tags.join(' ');
    const last = lane.publishers.get(key);
    const after = last && last.tags !== tagsKey ? last.order : -1;
    lane.publishers.set(key, { order, tags: tagsKey, unsent: (last?.unsent ?? 0) + tags.length });
    const size = encodedSize(message);
    const answers = tags.map((tag) => new Promise<void>((resolve, reject) => {
      let queue = lane.queues.get(tag);
      if (!queue) {
        queue = { tag, items: [], bytes: 0, inFlight: 0 };
        lane.queues.set(tag, queue);
      }
      queue.items.push({ message, size, order, key, after, resolve, reject });
      queue.bytes += size;
      lane.queued++;
      this.queued++;
    }));
    this.schedule(lane);
    await (answers.length === 1 ? answers[0] : Promise.all(answers));
  }

  private schedule(lane: Lane): void {
    if (this.pick(lane) === null) return;
    let full = false;
    for (const q of lane.queues.values()) {
      if (q.inFlight < lane.window && (q.items.length >= this.opts.maxMessages || q.bytes >= this.opts.maxBytes)) full = true;
    }
    if (full) {
      cancel(lane);
      this.sendReady(lane);
    } else if (!lane.timer) {
      // With no linger, an idle lane still waits for the rest of this turn of the event loop: the
      // publishes aedes parsed from the same reads then share the batch, and none waits for a timer.
      const send = () => { lane.timer = null; this.sendReady(lane); };
      lane.timer = this.opts.lingerMs === 0 ? setImmediate(send) : setTimeout(send, this.opts.lingerMs);
    }
  }

  /** Sends a batch of every tag that may go now, oldest first. */
  private sendReady(lane: Lane): void {
    for (let queue = this.pick(lane); queue; queue = this.pick(lane)) this.sendBatch(lane, queue, this.takeBatch(lane, queue));
  }

  /** The tag whose oldest publish may go next: room in its window, and nothing it must follow unsent. */
  private pick(lane: Lane): TagQueue | null {
    if (lane.sent.length >= LANE_MAX_IN_FLIGHT) return null;
    let best: TagQueue | null = null;
    for (const q of lane.queues.values()) {
      if (q.items.length === 0 || q.inFlight >= lane.window) continue;
      if (best && q.items[0]!.order >= best.items[0]!.order) continue;
      if (mustWait(lane, q, q.items[0]!)) continue;
      best = q;
    }
    return best;
  }

  private takeBatch(lane: Lane, queue: TagQueue): Pending[] {
    let n = 0;
    let bytes = 0;
    // Always take at least one message, even one larger than maxBytes (the payload limit guards it).
    while (n < queue.items.length && n < this.opts.maxMessages) {
      const p = queue.items[n]!;
      if (n > 0 && (bytes + p.size > this.opts.maxBytes || mustWait(lane, queue, p))) break;
      bytes += p.size;
      n++;
    }
    queue.bytes -= bytes;
    const items = queue.items.splice(0, n);
    for (const p of items) {
      const pub = lane.publishers.get(p.key);
      if (pub && --pub.unsent <= 0) lane.publishers.delete(p.key);
    }
    return items;
  }

  private sendBatch(lane: Lane, queue: TagQueue, items: Pending[]): void {
    const seq = lane.nextSeq++;
    const tag = queue.tag;
    const previous: Previous[] = [];
    const now = Date.now();
    for (const [t, last] of lane.lastOfTag) {
      // A tag this lane has not used for long would only make every broadcast batch's header longer:
      // its last batch was read long ago, or given up on by any reader still waiting for it.
      if (last.done && now - last.doneAt > FORGET_TAG_AFTER_MS) { lane.lastOfTag.delete(t); continue; }
      if (tagsShareReaders(t, tag) && previous.length < MAX_PREVIOUS) previous.push({ seq: last.seq, tag: t, unanswered: !last.done });
    }
    const sent: Sent = { seq, queue, items, done: false, doneAt: 0, error: null };
    if (lane.stream) lane.lastOfTag.set(tag, sent);
    lane.sent.push(sent);
    queue.inFlight++;
    const batchId = lane.stream ? `${lane.stream}.${seq}` : randomUUID();
    const body = lane.stream
      ? encodeBatch({ batchId, messages: items.map((p) => p.message), stream: lane.stream, seq, previous })
      : encodeBatch({ batchId, messages: items.map((p) => p.message) });
    void this.sendUntilAnswered(lane, sent, lane.liteTopic
      ? { topic: SESSION_TOPIC, liteTopic: lane.liteTopic, keys: [batchId], body }
      : { topic: DELIVERY_TOPIC, tag, messageGroup: laneMessageGroup(this.opts.producerId, lane.index), keys: [batchId], body }, batchId);
  }

  private async sendUntilAnswered(lane: Lane, sent: Sent, message: MessageOptions, batchId: string): Promise<void> {
    let attempt = 0;
    const sendStarted = performance.now();
    for (;;) {
      try {
        await this.producer.send(message);
        break;
      } catch (err) {
        attempt++;
        this.counters.sendRetries++;
        if (!this.running) { sent.error = new ProducerStoppedError(`producer stopped before batch ${batchId} was sent: ${String(err)}`); break; }
        const backoff = this.retryBackoffMs(attempt);
        this.opts.log.warn('RocketMQ send failed, retrying', { batchId, attempt, backoffMs: backoff, messages: sent.items.length, error: String(err) });
        await sleep(backoff);
      }
    }
    sent.done = true;
    sent.doneAt = Date.now();
    if (!sent.error) this.opts.observer?.batchSent((performance.now() - sendStarted) / 1000, sent.items.length);
    this.answerInOrder(lane);
  }

  /**
   * Answers the publishes of every batch at the head of the lane that is done. A batch RocketMQ
   * answered before an earlier one waits for it; one after a batch that failed fails too (the
   * producer is stopping, and a publisher must not see a later PUBACK for an earlier refusal).
   */
  private answerInOrder(lane: Lane): void {
    let failed: Error | null = null;
    while (lane.sent.length > 0 && lane.sent[0]!.done) {
      const { items, error, queue } = lane.sent.shift()!;
      // An idle tag's queue goes: a lane meets many tags over its life (edges come and go).
      if (--queue.inFlight === 0 && queue.items.length === 0) lane.queues.delete(queue.tag);
      failed = failed ?? error;
      this.queued -= items.length;
      lane.queued -= items.length;
      if (failed) {
        for (const p of items) p.reject(failed);
      } else {
        this.counters.batchesSent++;
        this.counters.messagesSent += items.length;
        for (const p of items) p.resolve();
      }
    }
    if (failed) for (const later of lane.sent) later.error = later.error ?? failed;
    // Session lanes are many and short-lived: an idle one is dropped, the next send makes it again.
    if (lane.liteTopic && lane.queued === 0) this.lanes.delete(`s|${lane.liteTopic}`);
    // Only as many as there is room for: waking every waiter at each batch made tens of thousands
    // of waiting publishes go round again for a few places (a flood then burned a core on it).
    this.roomWaiters.wake(this.opts.maxQueued - this.queued);
    this.schedule(lane);
    if (this.queued === 0) while (this.idleWaiters.length > 0) this.idleWaiters.shift()!();
  }

  /** An empty delivery batch for one tag, carrying `id` as its batch id and message key. */
  async sendProbe(tag: string, id: string): Promise<void> {
    await this.producer.send({
      topic: DELIVERY_TOPIC, tag, keys: [id], messageGroup: `${this.opts.producerId}-probe`,
      body: encodeBatch({ batchId: id, messages: [] }),
    });
  }

  /** One small send to the health topic: resolves on SEND_OK, so RocketMQ really answers. */
  async ping(): Promise<void> {
    if (!this.running) throw new ProducerStoppedError('producer is stopped');
    await withTimeout(this.producer.send({ topic: HEALTH_TOPIC, body: Buffer.from(this.opts.producerId) }), this.opts.requestTimeoutMs, 'RocketMQ health send');
  }

  /** One control message to every edge; resolves on SEND_OK, retrying like a batch until `giveUpAfterMs`. */
  async sendControl(body: Buffer, giveUpAfterMs = Number.POSITIVE_INFINITY): Promise<void> {
    const deadline = Date.now() + giveUpAfterMs;
    for (let attempt = 1; ; attempt++) {
      if (!this.running) throw new ProducerStoppedError('producer is stopped');
      if (Date.now() > deadline) throw new Error(`control message not sent within ${giveUpAfterMs} ms`);
      try {
        await this.producer.send({ topic: CONTROL_TOPIC, tag: BROADCAST_TAG, body });
        return;
      } catch (err) {
        this.counters.sendRetries++;
        const backoff = this.retryBackoffMs(attempt);
        this.opts.log.warn('RocketMQ control send failed, retrying', { attempt, backoffMs: backoff, error: String(err) });
        await sleep(backoff);
      }
    }
  }

  /**
   * One message to the delay topic, handed back by RocketMQ at `deliverAt`; resolves on SEND_OK,
   * retrying like a batch for up to `giveUpAfterMs`. A refusal of the delay itself is not retried.
   */
  async sendDelayed(body: Buffer, deliverAt: number, key: string, giveUpAfterMs = 10_000): Promise<void> {
    const deadline = Date.now() + giveUpAfterMs;
    for (let attempt = 1; ; attempt++) {
      if (!this.running) throw new ProducerStoppedError('producer is stopped');
      try {
        await this.producer.send({ topic: DELAY_TOPIC, keys: [key], body, deliveryTimestamp: new Date(deliverAt) });
        return;
      } catch (err) {
        // The broker or proxy refusing the message itself (its delay, say): sending again cannot help.
        if (err instanceof DelayRefusedError) throw err;
        if (isBadRequest(err) && !isTopicTypeConflict(err)) throw new DelayRefusedError(String(err).replace(/^.*\] /, ''), { cause: err });
        if (Date.now() > deadline) throw new BusUnavailableError(`RocketMQ did not take the delayed message within ${giveUpAfterMs} ms`, { cause: err });
        this.counters.sendRetries++;
        const backoff = this.retryBackoffMs(attempt);
        this.opts.log.warn('RocketMQ delayed send failed, retrying', { attempt, backoffMs: backoff, key, error: String(err) });
        await sleep(backoff);
      }
    }
  }

  /** Sends what is queued (waiting up to `drainMs`), then closes the RocketMQ client. */
  async stop(drainMs = 10_000): Promise<void> {
    if (this.queued > 0) {
      await Promise.race([new Promise<void>((r) => this.idleWaiters.push(r)), sleep(drainMs)]);
    }
    this.running = false;
    for (const lane of this.lanes.values()) {
      cancel(lane);
      for (const queue of lane.queues.values()) for (const p of queue.items.splice(0)) p.reject(new ProducerStoppedError('producer stopped'));
    }
    this.roomWaiters.wakeAll();
    await this.producer.shutdown().catch(() => undefined);
  }
}

function newLane(index: number, stream: string, window: number, liteTopic?: string): Lane {
  return {
    index, stream, window, nextSeq: 0, nextOrder: 0, queues: new Map(), queued: 0, sent: [], lastOfTag: new Map(), publishers: new Map(), timer: null,
    ...(liteTopic ? { liteTopic } : {}),
  };
}

/**
 * Whether `p` must stay queued because its publisher's previous publish went to other tags and is
 * still queued under a tag whose readers also read `queue`'s: sent first, it could arrive first.
 */
function mustWait(lane: Lane, queue: TagQueue, p: Pending): boolean {
  if (p.after < 0) return false;
  for (const other of lane.queues.values()) {
    if (other === queue || other.items.length === 0 || !tagsShareReaders(other.tag, queue.tag)) continue;
    if (other.items[0]!.order <= p.after) return true;
  }
  return false;
}

function cancel(lane: Lane): void {
  if (!lane.timer) return;
  if ('refresh' in lane.timer) clearTimeout(lane.timer);
  else clearImmediate(lane.timer as NodeJS.Immediate);
  lane.timer = null;
}

function laneIndex(key: string, lanes: number): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) % lanes;
}

