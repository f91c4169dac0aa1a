import assert from 'node:assert/strict';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { subscribed, waitFor } from '../support/devices.js';
import { InProcessCluster } from '../support/in-process-cluster.js';

// Moved from the stack (test/stack/145-webhook): a second API with the webhook on the in-process
// cluster; the push event stream it reads passes the same contract on Redis (stack 98).
let cluster: InProcessCluster;
// Two secrets, as during a rotation: the receiver that knows only the new one (second) and the one
// that knows only the old one (first) both accept every call.
const OLD_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const NEW_SECRET = `whsec_${randomBytes(24).toString('base64')}`;

interface Call {
  events: { id: string; type: string; pushId: string; deviceId?: string; deviceIds?: string[]; at: string }[];
  /** Verified by the standardwebhooks package with each secret, and by the legacy scheme. */
  signed: { old: boolean; new: boolean; legacy: boolean };
  webhookId: string;
}

const calls: Call[] = [];
/** The receiver answers 500 this many times first, so that retries are seen. */
let failuresLeft = 0;
let failed = 0;
let server: Server;

function standardVerified(secret: string, headers: Record<string, string | string[] | undefined>, body: string): boolean {
  try {
    new Webhook(secret).verify(body, headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

/** The deprecated X-Rocketpush-* scheme, kept one release: keyed with the first secret's characters. */
function legacyVerified(timestamp: string | undefined, signature: string | undefined, body: string): boolean {
  if (!timestamp || !signature) return false;
  const want = Buffer.from(`sha256=${createHmac('sha256', OLD_SECRET).update(`${timestamp}.${body}`).digest('hex')}`);
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
      const signed = {
        old: standardVerified(OLD_SECRET, req.headers, body),
        new: standardVerified(NEW_SECRET, req.headers, body),
        legacy: legacyVerified(req.headers['x-rocketpush-timestamp'] as string, req.headers['x-rocketpush-signature'] as string, body),
      };
      calls.push({ events: (JSON.parse(body) as Call).events, signed, webhookId: String(req.headers['webhook-id']) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await cluster.addApi({ WEBHOOK_URL: `http://127.0.0.1:${port}/hooks`, WEBHOOK_SECRET: `${OLD_SECRET} ${NEW_SECRET}` });
});

after(async () => {
  await cluster.stop();
  server?.close();
});

const events = (pushId: string) =>
  calls.flatMap((c) => c.events.filter((e) => e.pushId === pushId).map((e) => ({ ...e, signed: c.signed, webhookId: c.webhookId })));
const allSigned = (e: { signed: Call['signed'] }) => e.signed.old && e.signed.new && e.signed.legacy;

describe('the push webhook', () => {
  it('reports acknowledged and expired devices, signed as Standard Webhooks with every configured secret, and retries a failed call with backoff', async () => {
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
    assert.ok(acked.every(allSigned), `the standardwebhooks package verifies the call with the old and the new secret: ${JSON.stringify(acked.map((e) => e.signed))}`);

    await waitFor(() => events(pushId).some((e) => e.type === 'push.expired'), 60_000, 'the expired event');
    const expired = events(pushId).filter((e) => e.type === 'push.expired');
    assert.equal(expired.length, 1);
    assert.deepEqual(expired[0]!.deviceIds, [neverId]);
    assert.ok(allSigned(expired[0]!));
    assert.match(expired[0]!.webhookId, /^msg_/);
    assert.notEqual(expired[0]!.webhookId, acked[0]!.webhookId, 'every call has its own webhook-id');
    assert.ok(Number.isFinite(Date.parse(expired[0]!.at)));
  });
});

describe('webhook signatures', () => {
  it('are refused by a receiver that holds neither secret, and when the body was changed', async () => {
    const { webhookSignatures, parseWebhookSecrets } = await import('../../src/push/webhook-signature.js');
    const secrets = parseWebhookSecrets(NEW_SECRET);
    const ts = String(Math.floor(Date.now() / 1000));
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': ts, 'webhook-signature': webhookSignatures(secrets, 'msg_1', ts, '{"a":1}') };
    assert.equal(standardVerified(NEW_SECRET, headers, '{"a":1}'), true);
    assert.equal(standardVerified(NEW_SECRET, headers, '{"a":2}'), false);
    assert.equal(standardVerified(`whsec_${randomBytes(24).toString('base64')}`, headers, '{"a":1}'), false);
  });

  it('secrets are whsec_ base64 (16 bytes at least) or older plain strings of 16+ characters', async () => {
    const { parseWebhookSecrets } = await import('../../src/push/webhook-signature.js');
    assert.equal(parseWebhookSecrets(`${OLD_SECRET}, ${NEW_SECRET}`).length, 2);
    assert.equal(parseWebhookSecrets('an-older-plain-secret').length, 1);
    assert.throws(() => parseWebhookSecrets('whsec_c2hvcnQ='), /16 at least/);
    assert.throws(() => parseWebhookSecrets('whsec_not*base64'), /base64/);
    assert.throws(() => parseWebhookSecrets('short'), /shorter than 16/);
  });
});
