import assert from 'node:assert/strict';
import { randomUUID, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { subscribed, waitFor } from '../support/devices.js';
import { InProcessCluster } from '../support/in-process-cluster.js';

// Moved from the stack (test/stack/145-webhook): a second API with the webhook on the in-process
// cluster; the push event stream it reads passes the same contract on Redis (stack 98).
let cluster: InProcessCluster;
const SECRET = `whsec-${randomUUID()}`;

interface Call { events: { id: string; type: string; pushId: string; deviceId?: string; deviceIds?: string[]; at: string }[]; signed: boolean }

const calls: Call[] = [];
/** The receiver answers 500 this many times first, so that retries are seen. */
let failuresLeft = 0;
let failed = 0;
let server: Server;

function verify(timestamp: string | undefined, signature: string | undefined, body: string): boolean {
  if (!timestamp || !signature) return false;
  const want = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex')}`);
  const got = Buffer.from(signature);
  return want.length === got.length && timingSafeEqual(want, got) && Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
}

before(async () => {
  cluster = await InProcessCluster.start();
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
    req.on('end', () => {
      if (failuresLeft > 0) { failuresLeft--; failed++; res.writeHead(500).end(); return; }
      const signed = verify(req.headers['x-rocketpush-timestamp'] as string, req.headers['x-rocketpush-signature'] as string, body);
      calls.push({ events: (JSON.parse(body) as Call).events, signed });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await cluster.addApi({ WEBHOOK_URL: `http://127.0.0.1:${port}/hooks`, WEBHOOK_SECRET: SECRET });
});

after(async () => {
  await cluster.stop();
  server?.close();
});

const events = (pushId: string) => calls.flatMap((c) => c.events.filter((e) => e.pushId === pushId).map((e) => ({ ...e, signed: c.signed })));

describe('the push webhook', () => {
  it('reports acknowledged and expired devices, signed with HMAC-SHA256, and retries a failed call with backoff', async () => {
    const onlineId = await cluster.register('hook');
    await subscribed(cluster.edgeUrl(0), `devices/${onlineId}`, 1, { clientId: onlineId });
    const neverId = await cluster.register('hook-never');

    failuresLeft = 2;
    const res = await cluster.api('POST', '/v1/pushes', { target: { devices: [onlineId, neverId] }, payload: 'hooked', format: 'text', ttl: 3 });
    assert.equal(res.status, 202);
    const pushId = res.json.id!;

    await waitFor(() => events(pushId).some((e) => e.type === 'push.acknowledged'), 60_000, 'the acknowledged event');
    assert.ok(failed >= 2, 'the receiver refused twice and the events still came');
    const acked = events(pushId).filter((e) => e.type === 'push.acknowledged');
    assert.deepEqual(acked.map((e) => e.deviceId), [onlineId], 'one event per acknowledging device');
    assert.ok(acked.every((e) => e.signed), 'the signature checks out with the shared secret');

    await waitFor(() => events(pushId).some((e) => e.type === 'push.expired'), 60_000, 'the expired event');
    const expired = events(pushId).filter((e) => e.type === 'push.expired');
    assert.equal(expired.length, 1);
    assert.deepEqual(expired[0]!.deviceIds, [neverId]);
    assert.ok(expired[0]!.signed);
    assert.ok(Number.isFinite(Date.parse(expired[0]!.at)));
  });
});
