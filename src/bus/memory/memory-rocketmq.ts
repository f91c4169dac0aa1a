import { randomUUID } from 'node:crypto';
import type { MessageOptions } from 'rocketmq-client-nodejs';
import { BusUnavailableError, DelayRefusedError } from '../../errors.js';
import type { BusSender } from '../batching-producer.js';
import type { DelayFeed, DeliveryFeed, ReceivedMessage, ReceivedSessionMessage, SessionFeed, SessionOutcome } from '../feeds.js';
import { BROADCAST_TAG, CONTROL_TOPIC, DELAY_TOPIC, DELIVERY_TOPIC, HEALTH_TOPIC, SESSION_TOPIC, edgeTag, tagsShareReaders } from '../names.js';

/** The broker group name of every session queue in this process. */
export const MEMORY_BROKER = 'memory-broker';

/** Wait before a message whose consumer failed is handed out again. */
const REDELIVER_AFTER_MS = 100;

/** Messages of one edge group handed out and not yet finished, at most (RocketMQ's client keeps a cache of them). */
const GROUP_IN_FLIGHT = 32;

/**
 * One edge's consumer group of the delivery and control topics: it exists from the first start of
 * a feed on, keeps what arrives while no feed reads (as RocketMQ keeps a group's backlog), and hands
 * messages out in send order without waiting for the previous one to finish, as RocketMQ does for
 * a group that is not orderly; one whose consume failed is handed out again later.
 */
class EdgeGroup {
  private readonly waiting: ReceivedMessage[] = [];
  private inFlight = 0;
  consume: ((message: ReceivedMessage) => Promise<void>) | null = null;

  constructor(private readonly edgeId: string) {}

  wants(topic: string, tag: string | undefined): boolean {
    if (topic === CONTROL_TOPIC) return tag === BROADCAST_TAG;
    return topic === DELIVERY_TOPIC && (tag === BROADCAST_TAG || tag === edgeTag(this.edgeId));
  }

  add(message: ReceivedMessage): void {
    this.waiting.push(message);
    this.pump();
  }

  pump(): void {
    const consume = this.consume;
    while (consume && this.inFlight < GROUP_IN_FLIGHT && this.waiting.length > 0) {
      const message = this.waiting.shift()!;
      this.inFlight++;
      // Handed out on a later turn, as a network read would be: never inside the sender's call.
      setImmediate(() => {
        consume(message).then(() => {
          this.inFlight--;
          this.pump();
        }, () => {
          this.inFlight--;
          setTimeout(() => this.add(message), REDELIVER_AFTER_MS).unref();
        });
      });
    }
  }
}

/** One lite topic of the session topic: its batches by offset and the one consumer group's position. */
class LiteQueue {
  readonly bodies: Buffer[] = [];
  readonly ids: string[] = [];
  readonly bornAt: number[] = [];
  /** The offset handed out next (the group's committed position once the one out is 'done'). */
  next = 0;
  /** Bumped by every reposition: an answer for a batch handed out before it does not move `next`. */
  epoch = 0;
  outstanding = false;
  readers = new Set<MemorySessionFeed>();
}

/** The scheduler group of the delay topic: due messages go to its members in turn. */
class DelayGroup {
  private readonly due: ReceivedMessage[] = [];
  private readonly members: ((message: ReceivedMessage) => Promise<void>)[] = [];
  private turn = 0;

  join(consume: (message: ReceivedMessage) => Promise<void>): void {
    this.members.push(consume);
    this.pump();
  }

  leave(consume: (message: ReceivedMessage) => Promise<void>): void {
    const i = this.members.indexOf(consume);
    if (i >= 0) this.members.splice(i, 1);
  }

  add(message: ReceivedMessage): void {
    this.due.push(message);
    this.pump();
  }

  private pump(): void {
    while (this.members.length > 0 && this.due.length > 0) {
      const message = this.due.shift()!;
      const consume = this.members[this.turn++ % this.members.length]!;
      consume(message).catch(() => {
        setTimeout(() => this.add(message), REDELIVER_AFTER_MS).unref();
      });
    }
  }
}

/**
 * RocketMQ in this process, for tests and for the in-memory cluster: the producer's side
 * (`sender()`, what BatchingProducer writes through) and the reading sides (`deliveryFeed`,
 * `sessionFeed`, `delayFeed`), with the promises of bus/feeds.ts. A delay past `maxDelayMs` is
 * refused as the broker refuses one past its timerMaxDelaySec. `failNext` and `down` make sends
 * fail, to test what a caller does while the bus is away. With `swapWithinMs`, a delivery batch
 * is stored after the next one of its message group when that one is sent within that time (as
 * the proxy's threads may store two sends in flight together): every reader then sees a lane's
 * batches out of order, whatever the load of the machine.
 */
export class MemoryRocketMQ {
  private readonly delays = new DelayGroup();
  private readonly groups = new Map<string, EdgeGroup>();
  private readonly lites = new Map<string, LiteQueue>();
  private failures = 0;
  /** While true every send fails, as when no broker answers. */
  down = false;

  /** Per message group, a delivery batch waiting for the next one to be stored first (swapWithinMs). */
  private readonly held = new Map<string, { tag: string; store: () => void; timer: NodeJS.Timeout }>();

  constructor(private readonly opts: { maxDelayMs: number; swapWithinMs?: number } = { maxDelayMs: 3 * 24 * 3600_000 }) {}

  failNext(count: number): void {
    this.failures = count;
  }

  sender(): BusSender {
    return {
      startup: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
      send: (message) => this.send(message),
    };
  }

  deliveryFeed(edgeId: string): DeliveryFeed {
    const group = this.groups.get(edgeId) ?? new EdgeGroup(edgeId);
    this.groups.set(edgeId, group);
    return {
      start: (consume) => { group.consume = consume; group.pump(); return Promise.resolve(); },
      stop: () => { group.consume = null; return Promise.resolve(); },
    };
  }

  sessionFeed(retryLaterMs: number): SessionFeed {
    return new MemorySessionFeed(this, retryLaterMs);
  }

  delayFeed(): DelayFeed {
    let member: ((message: ReceivedMessage) => Promise<void>) | null = null;
    return {
      start: (consume) => { member = consume; this.delays.join(consume); return Promise.resolve(); },
      stop: () => { if (member) this.delays.leave(member); return Promise.resolve(); },
    };
  }

  /** A session queue as it stands: its batches' bodies and the group's next offset. */
  sessionQueue(liteTopic: string): { bodies: Buffer[]; next: number } {
    const q = this.lites.get(liteTopic);
    return { bodies: q ? [...q.bodies] : [], next: q?.next ?? 0 };
  }

  /** @internal */
  lite(liteTopic: string): LiteQueue {
    let q = this.lites.get(liteTopic);
    if (!q) { q = new LiteQueue(); this.lites.set(liteTopic, q); }
    return q;
  }

  /** @internal Hands out the queue's next batch to one of its readers, if none is out. */
  pumpLite(liteTopic: string): void {
    const q = this.lites.get(liteTopic);
    if (!q || q.outstanding || q.next >= q.bodies.length) return;
    const reader = [...q.readers].at(-1);
    if (!reader) return;
    q.outstanding = true;
    const offset = q.next;
    const epoch = q.epoch;
    const message: ReceivedSessionMessage = {
      messageId: q.ids[offset]!, topic: SESSION_TOPIC, keys: [], body: q.bodies[offset]!, bornAt: q.bornAt[offset],
      liteTopic, place: { queue: MEMORY_BROKER, offset },
    };
    setImmediate(() => {
      reader.hand(message).then((outcome) => {
        const again = () => { q.outstanding = false; this.pumpLite(liteTopic); };
        if (outcome === 'done') {
          if (q.epoch === epoch && q.next === offset) q.next = offset + 1;
          again();
        } else {
          setTimeout(again, reader.retryLaterMs).unref();
        }
      });
    });
  }

  /**
   * Holds a delivery batch until the next one of its group that some reader also reads was stored,
   * or `withinMs` passed: a swap no reader can see would test nothing.
   */
  private storeSwapped(group: string, tag: string, withinMs: number, store: () => { messageId: string }): Promise<unknown> {
    const earlier = this.held.get(group);
    if (earlier && tagsShareReaders(earlier.tag, tag)) {
      clearTimeout(earlier.timer);
      this.held.delete(group);
      const answer = store();
      earlier.store();
      return Promise.resolve(answer);
    }
    if (earlier) return Promise.resolve(store());
    return new Promise((resolve) => {
      const entry = { tag, store: () => resolve(store()), timer: setTimeout(() => { this.held.delete(group); entry.store(); }, withinMs) };
      this.held.set(group, entry);
    });
  }

  private send(message: MessageOptions): Promise<unknown> {
    if (this.down) return Promise.reject(new BusUnavailableError('the in-memory bus is down'));
    if (this.failures > 0) {
      this.failures--;
      return Promise.reject(new BusUnavailableError('the in-memory bus failed this send (failNext)'));
    }
    const topic = message.topic;
    const messageId = randomUUID();
    const body = Buffer.from(message.body);
    const bornAt = Date.now();
    if (topic === SESSION_TOPIC) {
      const liteTopic = (message as MessageOptions & { liteTopic?: string }).liteTopic;
      if (!liteTopic) return Promise.reject(new Error('a message to the session topic needs a lite topic'));
      const q = this.lite(liteTopic);
      q.bodies.push(body);
      q.ids.push(messageId);
      q.bornAt.push(bornAt);
      this.pumpLite(liteTopic);
    } else if (topic === DELIVERY_TOPIC || topic === CONTROL_TOPIC) {
      const received: ReceivedMessage = { messageId, topic, tag: message.tag, keys: message.keys ?? [], body, bornAt };
      const store = () => {
        for (const group of this.groups.values()) {
          if (group.wants(topic, message.tag)) group.add(received);
        }
        return { messageId };
      };
      const group = message.messageGroup;
      const swapWithinMs = this.opts.swapWithinMs ?? 0;
      if (topic === DELIVERY_TOPIC && group && swapWithinMs > 0) return this.storeSwapped(group, message.tag ?? '', swapWithinMs, store);
      store();
    } else if (topic === DELAY_TOPIC) {
      const deliverAt = message.deliveryTimestamp?.getTime() ?? bornAt;
      if (deliverAt - bornAt > this.opts.maxDelayMs) {
        return Promise.reject(new DelayRefusedError(`the delivery time is more than ${this.opts.maxDelayMs} ms ahead`));
      }
      const due: ReceivedMessage = { messageId, topic, tag: message.tag, keys: message.keys ?? [], body, bornAt, deliverAt };
      setTimeout(() => this.delays.add(due), Math.max(0, deliverAt - bornAt)).unref();
    } else if (topic !== HEALTH_TOPIC) {
      return Promise.reject(new Error(`the in-memory bus has no topic ${topic}`));
    }
    return Promise.resolve({ messageId });
  }
}

class MemorySessionFeed implements SessionFeed {
  private consume: ((message: ReceivedSessionMessage) => Promise<SessionOutcome>) | null = null;
  private readonly subscribed = new Set<string>();

  constructor(private readonly bus: MemoryRocketMQ, readonly retryLaterMs: number) {}

  start(consume: (message: ReceivedSessionMessage) => Promise<SessionOutcome>): Promise<void> {
    this.consume = consume;
    return Promise.resolve();
  }

  /** A batch for this reader; one no longer subscribed or stopped answers 'later' (handed back). */
  async hand(message: ReceivedSessionMessage): Promise<SessionOutcome> {
    if (!this.consume || !this.subscribed.has(message.liteTopic)) return 'later';
    try {
      return await this.consume(message);
    } catch {
      return 'later';
    }
  }

  subscribe(liteTopic: string, offset?: number): Promise<void> {
    const q = this.bus.lite(liteTopic);
    this.subscribed.add(liteTopic);
    q.readers.add(this);
    if (offset !== undefined) this.moveTo(liteTopic, offset);
    this.bus.pumpLite(liteTopic);
    return Promise.resolve();
  }

  unsubscribe(liteTopic: string): Promise<void> {
    this.subscribed.delete(liteTopic);
    this.bus.lite(liteTopic).readers.delete(this);
    return Promise.resolve();
  }

  reposition(liteTopic: string, offset: number): Promise<void> {
    this.moveTo(liteTopic, offset);
    this.bus.pumpLite(liteTopic);
    return Promise.resolve();
  }

  queueGroups(): string[] {
    return [MEMORY_BROKER];
  }

  stop(): Promise<void> {
    for (const liteTopic of [...this.subscribed]) void this.unsubscribe(liteTopic);
    this.consume = null;
    return Promise.resolve();
  }

  private moveTo(liteTopic: string, offset: number): void {
    const q = this.bus.lite(liteTopic);
    q.next = Math.max(0, Math.min(offset, q.bodies.length));
    q.epoch++;
  }
}
