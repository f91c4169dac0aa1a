import type { Logger } from '../log.js';
import { decodeBatch, decodeBatchHeader, type Batch, type BusMessage } from '../message/envelope.js';
import { randomUUID } from 'node:crypto';
import { decodeControl, encodeControl, type ControlMessage } from './control.js';
import { CONTROL_TOPIC, edgeReadsTag, edgeTag } from './names.js';
import { RecentIds } from './recent-ids.js';
import type { DeliveryFeed, ReceivedMessage } from './feeds.js';
import { StreamOrder, type Predecessor } from './stream-order.js';

export interface DeliveryConsumerOptions {
  /** The edge's reading side of the delivery and control topics. */
  feed: DeliveryFeed;
  edgeId: string;
  log: Logger;
  /** Hands one batch's messages to local subscribers; the batch is acked when it resolves. */
  deliver: (messages: BusMessage[]) => Promise<void>;
  /** Handles one control message from another edge (or this one). */
  control: (message: ControlMessage) => void;
  /** Longest a batch waits for an earlier one of its producer lane (stream-order.ts). */
  reorderHoldMs?: number;
  /** Told of each batch's time on the bus (send to arrival), in seconds (metrics). */
  observer?: { batchReceived(seconds: number): void };
}

export interface DeliveryConsumerStats {
  batches: number;
  messages: number;
  duplicateBatches: number;
  staleBatches: number;
  corruptBatches: number;
  /** Age of the newest batch when it reached this edge (ms): how far the edge trails the bus. */
  lagMs: number;
  /** Batches that arrived ahead of an earlier one of their lane and waited for it. */
  reorderedBatches: number;
  /** Missing batches given up on after the hold time (their producer died before storing them, or a long outage). */
  orderGapsSkipped: number;
  /** Batches that came after their place was given up on: delivered out of order. */
  lateBatches: number;
}

/** A batch waiting for its turn, and the consume call that waits for its delivery. */
interface Turn {
  batch: Pick<Batch, 'batchId'> & Partial<Batch>;
  delivered: () => void;
  /** Born before this process started: it keeps its lane's place, and is not delivered. */
  stale?: boolean;
}

/**
 * The edge's reading side of the delivery topic: its own consumer group, so it sees every batch.
 * Batches born before this process started are skipped: they were meant for the clean sessions of
 * an earlier life of this edge (persistent sessions do not depend on this path).
 * A producer lane has several batches in flight, so RocketMQ may hand them over in another order
 * than they were sent: they are put back in each lane's order before delivery (stream-order.ts).
 */
export class DeliveryConsumer {
  private readonly seen = new RecentIds(50_000);
  private startedAt = 0;
  private stopped = false;
  private readonly probes = new Map<string, () => void>();
  private readonly counts = { batches: 0, messages: 0, duplicateBatches: 0, staleBatches: 0, corruptBatches: 0, lagMs: 0 };
  private readonly order: StreamOrder<Turn>;

  constructor(private readonly opts: DeliveryConsumerOptions) {
    this.order = new StreamOrder<Turn>({
      holdMs: opts.reorderHoldMs ?? 20_000,
      // A lane has a few batches in flight; more than this held means its gap will not fill soon.
      maxHeld: 256,
      maxStreams: 10_000,
      release: (turn) => { void this.deliverBatch(turn); },
      dropped: (turn) => turn.delivered(),
      onGapSkipped: (stream, missing) => {
        this.opts.log.warn('delivery batches missing from a producer lane, delivering what came after them', { stream, missing });
      },
    });
  }

  async start(): Promise<void> {
    this.startedAt = Date.now();
    await this.opts.feed.start((message) => this.consume(message));
  }

  /**
   * Resolves once this consumer has received a probe sent after it started, on both topics.
   * A new consumer group starts at the newest message when its first receive reaches the broker,
   * which is some time after startup() returns; until a probe came back, messages sent to this
   * edge could fall before that point and never be read.
   */
  async ready(send: { delivery: (tag: string, id: string) => Promise<void>; control: (body: Buffer) => Promise<void> }, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const probe = async (sendOne: (id: string) => Promise<void>, what: string) => {
      while (Date.now() < deadline) {
        const id = randomUUID();
        const back = new Promise<boolean>((resolve) => {
          this.probes.set(id, () => resolve(true));
          setTimeout(() => resolve(false), 2000).unref();
        });
        await sendOne(id);
        const ok = await back;
        this.probes.delete(id);
        if (ok) return;
      }
      throw new Error(`the ${what} consumer did not receive its probe within ${timeoutMs} ms`);
    };
    await Promise.all([
      probe((id) => send.delivery(edgeTag(this.opts.edgeId), id), 'delivery topic'),
      probe((id) => send.control(encodeControl({ kind: 'probe', id })), 'control topic'),
    ]);
  }

  get stats(): DeliveryConsumerStats {
    const o = this.order.stats;
    return { ...this.counts, reorderedBatches: o.held, orderGapsSkipped: o.gapsSkipped, lateBatches: o.late };
  }

  /** Started and not stopped (readiness). */
  get running(): boolean {
    return this.startedAt > 0 && !this.stopped;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.opts.feed.stop();
    this.order.flush();
  }

  private async consume(view: ReceivedMessage): Promise<void> {
    const stale = view.bornAt !== undefined && view.bornAt < this.startedAt;
    if (stale && view.topic === CONTROL_TOPIC) {
      this.counts.staleBatches++;
      return;
    }
    for (const key of view.keys) this.probes.get(key)?.();
    if (view.topic === CONTROL_TOPIC) return this.consumeControl(view);
    if (stale) {
      this.counts.staleBatches++;
      // Not delivered, but still passed through its lane's order, so that the first fresh batch
      // does not wait for it. Only its header is read: a restarted edge may skip a long backlog.
      let header;
      try { header = decodeBatchHeader(view.body); } catch { return; }
      if (header.stream !== undefined) this.order.accept(header.stream, header.seq!, { batch: header, delivered: () => undefined, stale: true }, this.waitFor(header));
      return;
    }
    let batch;
    try {
      batch = decodeBatch(view.body);
    } catch (err) {
      // Not ours or damaged: retrying cannot fix it, so it is counted, logged and acknowledged.
      this.counts.corruptBatches++;
      this.opts.log.error('undecodable delivery batch skipped', { messageId: view.messageId, error: String(err) });
      return;
    }
    if (!this.seen.add(batch.batchId)) {
      this.counts.duplicateBatches++;
      return;
    }
    this.counts.batches++;
    this.counts.messages += batch.messages.length;
    if (view.bornAt !== undefined) {
      this.counts.lagMs = Math.max(0, Date.now() - view.bornAt);
      this.opts.observer?.batchReceived(this.counts.lagMs / 1000);
    }
    if (batch.stream === undefined) return this.deliverBatch({ batch, delivered: () => undefined });
    // Acknowledged to RocketMQ once delivered here, held or not: a held batch keeps its place in the
    // consumer's cache, so a long gap slows the feed down instead of growing the heap.
    await new Promise<void>((delivered) => this.order.accept(batch.stream!, batch.seq!, { batch, delivered }, this.waitFor(batch)));
  }

  /** The batch's predecessors that this edge reads (its own tag and the broadcast one). */
  private waitFor(batch: Pick<Batch, 'previous'>): Predecessor[] {
    const list: Predecessor[] = [];
    for (const p of batch.previous ?? []) if (edgeReadsTag(this.opts.edgeId, p.tag)) list.push(p);
    return list;
  }

  /** Hands one batch to local delivery; called in each lane's order. */
  private async deliverBatch(turn: Turn): Promise<void> {
    if (turn.stale || !turn.batch.messages) return;
    try {
      await this.opts.deliver(turn.batch.messages);
    } catch (err) {
      this.opts.log.error('local delivery failed', { batchId: turn.batch.batchId, error: String(err) });
    } finally {
      turn.delivered();
    }
  }

  private consumeControl(view: ReceivedMessage): void {
    try {
      const message = decodeControl(view.body);
      if (message.kind === 'probe') { this.probes.get(message.id)?.(); return; }
      this.opts.control(message);
    } catch (err) {
      this.counts.corruptBatches++;
      this.opts.log.error('undecodable control message skipped', { messageId: view.messageId, error: String(err) });
    }
  }
}
