/**
 * The order test's flow, run through the process kills of tests 75, 92 and 93: many publishers,
 * each sending numbered QoS 1 messages with several in flight (so a producer lane has several
 * batches in flight, which is what the readers put back in order), and clean-session subscribers
 * on both edges. Then, at every subscriber, each publisher's first arrivals must come in publish
 * order, and every number acknowledged to a publisher must have arrived.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { sleep, waitFor } from './helpers.js';

interface Publisher {
  id: string;
  client: MqttClient;
  /** Numbers acknowledged with PUBACK. */
  acked: Set<number>;
  sent: number;
}

interface Subscriber {
  url: string;
  client: MqttClient;
  /** Per publisher, the numbers in arrival order (repeats included). */
  got: Map<string, number[]>;
}

export interface NumberedFlowOptions {
  /** Where the publishers connect first, then (on reconnect, in turn) the others. */
  publishTo: string[];
  subscribeTo: string[];
  publishers: number;
  /** Publishes each publisher keeps in flight. */
  window: number;
  /** Pause after each acknowledged publish of one window slot (paces the flow). */
  pauseMs: number;
}

export class NumberedFlow {
  private stopped = false;
  private flows: Promise<void>[] = [];

  private constructor(
    private readonly topic: string,
    readonly publishers: Publisher[],
    readonly subscribers: Subscriber[],
  ) {}

  static async start(opts: NumberedFlowOptions): Promise<NumberedFlow> {
    const topic = `order/${randomUUID().slice(0, 8)}`;
    const subscribers: Subscriber[] = [];
    for (const url of opts.subscribeTo) {
      const client = await connected(url, { clientId: `ord-s-${randomUUID().slice(0, 8)}`, clean: true });
      const s: Subscriber = { url, client, got: new Map() };
      client.on('message', (t, payload) => {
        const from = t.slice(topic.length + 1);
        let list = s.got.get(from);
        if (!list) s.got.set(from, list = []);
        list.push(Number(payload.toString()));
      });
      await client.subscribeAsync(`${topic}/#`, { qos: 1 });
      subscribers.push(s);
    }
    const [first, ...rest] = opts.publishTo.map((u) => new URL(u));
    const publishers: Publisher[] = [];
    for (let p = 0; p < opts.publishers; p++) {
      const id = `p${p}`;
      // Reconnects by itself, to the next server when the first is gone, and sends again what was
      // not acknowledged (mqtt.js keeps it in its outgoing store), in its original order.
      const client = await connected(opts.publishTo[0]!, {
        clientId: `ord-${id}-${randomUUID().slice(0, 6)}`, clean: true,
        servers: [first!, ...rest].map((u) => ({ host: u.hostname, port: Number(u.port) })),
      });
      publishers.push({ id, client, acked: new Set(), sent: 0 });
    }
    const flow = new NumberedFlow(topic, publishers, subscribers);
    flow.flows = publishers.map((p) => flow.run(p, opts));
    return flow;
  }

  private async run(p: Publisher, opts: NumberedFlowOptions): Promise<void> {
    await Promise.all(Array.from({ length: opts.window }, async () => {
      while (!this.stopped) {
        const n = p.sent++;
        await p.client.publishAsync(`${this.topic}/${p.id}`, String(n), { qos: 1 });
        p.acked.add(n);
        await sleep(opts.pauseMs);
      }
    }));
  }

  get acknowledged(): number {
    return this.publishers.reduce((sum, p) => sum + p.acked.size, 0);
  }

  /** Stops publishing and waits until what is in flight was acknowledged. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.flows);
  }

  /**
   * Every acknowledged number at every subscriber, and each publisher's first arrivals in publish
   * order (a QoS 1 repeat may come again later; it is not a new arrival).
   */
  async check(where: string, waitMs = 60_000): Promise<{ repeats: number; acknowledged: number }> {
    const missing = (s: Subscriber) => this.publishers.reduce((sum, p) => {
      const got = new Set(s.got.get(p.id) ?? []);
      return sum + [...p.acked].filter((n) => !got.has(n)).length;
    }, 0);
    for (const s of this.subscribers) {
      await waitFor(() => missing(s) === 0, waitMs, () => `every acknowledged number at the subscriber on ${s.url}: ${missing(s)} missing (${where})`);
    }
    let repeats = 0;
    for (const s of this.subscribers) {
      for (const p of this.publishers) {
        const arrivals = s.got.get(p.id) ?? [];
        const first: number[] = [];
        const seen = new Set<number>();
        for (const n of arrivals) {
          if (seen.has(n)) { repeats++; continue; }
          seen.add(n);
          first.push(n);
        }
        const outOfOrder = first.findIndex((n, i) => i > 0 && n < first[i - 1]!);
        assert.equal(outOfOrder, -1, `publisher ${p.id} in publish order at the subscriber on ${s.url} (${where}): ${first.slice(Math.max(0, outOfOrder - 3), outOfOrder + 3).join(', ')} around arrival ${outOfOrder}`);
      }
    }
    return { repeats, acknowledged: this.acknowledged };
  }

  /** Every MQTT client of the flow (for a test's own clean-up list). */
  get clients(): MqttClient[] {
    return [...this.publishers.map((p) => p.client), ...this.subscribers.map((s) => s.client)];
  }

  async close(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.clients.map((c) => c.endAsync(true).catch(() => undefined)));
  }
}

function connected(url: string, opts: mqtt.IClientOptions): Promise<MqttClient> {
  const client = mqtt.connect(url, { reconnectPeriod: 500, reconnectOnConnackError: true, connectTimeout: 20_000, keepalive: 300, ...opts });
  client.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${opts.clientId} not connected to ${url} within 60 s`)), 60_000);
    client.once('connect', () => { clearTimeout(timer); resolve(client); });
  });
}
