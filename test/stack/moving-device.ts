import mqtt, { type MqttClient } from 'mqtt';
import { assignmentAnswer } from '../../src/api/schemas.js';
import { api, sleep } from './helpers.js';

/**
 * A device as a phone app would be written against rocketpush: it asks for an edge before every
 * connect, and when its connection ends it asks again and reconnects there.
 */
export class MovingDevice {
  readonly got: string[] = [];
  readonly edges: string[] = [];
  /** How many messages of its group had been accepted when it first subscribed: it is owed the rest. */
  owedFrom = 0;
  private client: MqttClient | null = null;
  private stopped = false;
  private subscribedOnce = false;

  constructor(readonly id: string, readonly clean: boolean, private readonly topic: string, private readonly willTopic: string) {}

  async start(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      try {
        await this.connectOnce();
        return;
      } catch {
        await sleep(200 + Math.random() * 300);
      }
    }
  }

  private async connectOnce(): Promise<void> {
    const { status, json } = await api('GET', `/v1/edges/assign?device=${this.id}`, undefined, { key: null });
    if (status !== 200) throw new Error(`assign answered ${status}`);
    const at = assignmentAnswer.parse(json);
    const client = mqtt.connect(at.addresses.mqtt, {
      clientId: this.id, clean: this.clean, reconnectPeriod: 0, connectTimeout: 10_000,
      will: { topic: this.willTopic, payload: Buffer.from(this.id), qos: 1, retain: false },
    });
    client.on('message', (_t, payload) => this.got.push(payload.toString()));
    const connack = await new Promise<{ sessionPresent: boolean }>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('error', reject);
      client.once('close', () => reject(new Error('closed before CONNACK')));
    }).catch((err: unknown) => { client.end(true); throw err; });
    client.removeAllListeners('error');
    client.on('error', () => undefined);
    // A clean session starts empty every time; a persistent one keeps its subscription.
    if (this.clean || !connack.sessionPresent || !this.subscribedOnce) {
      await client.subscribeAsync(this.topic, { qos: 1 });
      this.subscribedOnce = true;
    }
    this.client = client;
    this.edges.push(at.edgeId);
    client.once('close', () => {
      if (this.client === client) this.client = null;
      if (!this.stopped) void sleep(100 + Math.random() * 200).then(() => this.start());
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.endAsync().catch(() => undefined);
  }
}

