// Proves the RocketMQ path works end to end: a send through the gRPC proxy, and the same message
// received by a push consumer. Exits 0 when the probe came back, 1 with the reason otherwise.
import { randomUUID } from 'node:crypto';
import { ConsumeResult, FilterExpression, Producer, PushConsumer } from 'rocketmq-client-nodejs';
import { startClient } from '../src/bus/client-support.js';
import { HEALTH_TOPIC } from '../src/bus/names.js';

const endpoints = process.env.ROCKETMQ_ENDPOINTS ?? '127.0.0.1:8081';
const quiet = { info() {}, debug() {}, warn() {}, error() {} };
const nonce = randomUUID();
const deadline = Date.now() + Number(process.env.PROBE_TIMEOUT_MS ?? 60_000);

const started = Date.now();
let received: () => void = () => undefined;
const arrived = new Promise<void>((r) => { received = r; });
const consumer = new PushConsumer({
  endpoints, namespace: '', logger: quiet, consumerGroup: 'rp-probe',
  subscriptions: new Map([[HEALTH_TOPIC, new FilterExpression('probe')]]),
  messageListener: { consume(view) { if (view.body.toString() === nonce) received(); return ConsumeResult.SUCCESS; } },
});
const producer = new Producer({ endpoints, namespace: '', logger: quiet, topics: [HEALTH_TOPIC], requestTimeout: 5000 });

try {
  await startClient(consumer, 30_000, 'probe consumer startup');
  await startClient(producer, 30_000, 'probe producer startup');
  for (;;) {
    try {
      await producer.send({ topic: HEALTH_TOPIC, tag: 'probe', body: Buffer.from(nonce) });
      break;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  const left = Math.max(1000, deadline - Date.now());
  await Promise.race([arrived, new Promise((_, reject) => setTimeout(() => reject(new Error('probe message not received')), left))]);
  console.log(`RocketMQ probe: sent and received in ${Date.now() - started} ms`);
  // No graceful shutdown: the consumer's would wait out its long poll (up to 20 s) for nothing.
  process.exit(0);
} catch (err) {
  console.error(`RocketMQ probe failed: ${String(err)}`);
  process.exit(1);
}
