import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import mqtt from 'mqtt';
import { connect, record, settle, subscribed, waitFor } from '../support/devices.js';
import { InProcessCluster } from '../support/in-process-cluster.js';

// Moved from the stack (test/stack/115-device-auth): a third edge with MQTT_AUTH=devices on the
// in-process cluster (memory stores and bus).
let cluster: InProcessCluster;
let authEdge = 0;
let url = '';
let EDGE_A = '';
before(async () => {
  cluster = await InProcessCluster.start();
  EDGE_A = cluster.edgeUrl(0);
  authEdge = await cluster.addEdge({ MQTT_AUTH: 'devices' });
  url = cluster.edgeUrl(authEdge);
});
after(async () => { await cluster.stop(); });
const api = (...args: Parameters<InProcessCluster['api']>) => cluster.api(...args);

async function register(user: string | null = null, tags: string[] = []): Promise<{ id: string; secret: string }> {
  const id = `auth-${randomUUID().slice(0, 8)}`;
  const res = await api('POST', '/v1/devices', { id, user, tags });
  assert.equal(res.status, 201);
  return { id, secret: res.json.secret as string };
}

/** The CONNACK return code a CONNECT gets (0 when accepted). */
function connackCode(opts: mqtt.IClientOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 10_000, ...opts });
    c.once('connect', () => { c.end(true); resolve(0); });
    c.once('error', (err: Error & { code?: number }) => { c.end(true); if (typeof err.code === 'number') resolve(err.code); else reject(err); });
  });
}

/** The return codes of one SUBACK (mqtt.js reports 0x80 only as an error, without the codes). */
function subackCodes(client: mqtt.MqttClient, filters: string[]): Promise<number[]> {
  return new Promise((resolve) => {
    const onPacket = (p: mqtt.Packet) => {
      if (p.cmd !== 'suback') return;
      client.off('packetreceive', onPacket);
      resolve((p as { granted: number[] }).granted);
    };
    client.on('packetreceive', onPacket);
    client.subscribe(Object.fromEntries(filters.map((f) => [f, { qos: 1 as const }])), () => undefined);
  });
}

function edgeStat(name: string): Promise<number> {
  return Promise.resolve(cluster.edgeStat(authEdge, name));
}

describe('an edge with MQTT_AUTH=devices', () => {
  it('accepts only a registered device with its current secret: CONNACK 5 without one, 4 with a wrong one', async () => {
    const { id, secret } = await register();
    assert.equal(await connackCode({ clientId: id }), 5);
    assert.equal(await connackCode({ clientId: id, username: id, password: 'not-the-secret' }), 4);
    assert.equal(await connackCode({ clientId: `unknown-${randomUUID().slice(0, 6)}`, username: 'x', password: secret }), 4);
    assert.equal(await connackCode({ clientId: id, username: id, password: secret }), 0);
  });

  it('lets a device subscribe only to its own, its user\'s, its tags\' and the broadcast topics (0x80 otherwise)', async () => {
    const user = `user-${randomUUID().slice(0, 6)}`;
    const { id, secret } = await register(user, ['beta']);
    const device = await connect(url, { clientId: id, username: id, password: secret });
    const filters = [`devices/${id}`, `users/${user}/#`, 'tags/beta', 'broadcast', 'devices/someone-else', 'tags/alpha', '#'];
    const granted = await subackCodes(device, filters);
    assert.deepEqual(granted, [1, 1, 1, 1, 128, 128, 128]);
    const got = record(device);
    for (const topic of [`devices/${id}`, `users/${user}/news`, 'tags/beta', 'broadcast']) {
      assert.equal((await api('POST', '/v1/publish', { topic, payload: topic, qos: 1 })).status, 202);
    }
    await waitFor(() => got.length >= 4, 15_000, () => `the four permitted pushes (got: ${JSON.stringify(got.map((m) => m.topic))})`);
    await settle();
    assert.deepEqual(got.map((m) => m.topic).sort(), [`devices/${id}`, `users/${user}/news`, 'tags/beta', 'broadcast'].sort());
  });

  it('acknowledges and drops a publish outside MQTT_PUBLISH_TOPICS, counting it, and passes the permitted ones', async () => {
    const { id, secret } = await register();
    const [up, elsewhere] = [`devices/${id}/up/telemetry`, `devices/${id}/elsewhere`];
    const { got } = await subscribed(EDGE_A, up);
    const { got: gotElsewhere } = await subscribed(EDGE_A, elsewhere);
    const deniedBefore = await edgeStat('publishDenied');
    const device = await connect(url, { clientId: id, username: id, password: secret });
    await device.publishAsync(elsewhere, 'not allowed', { qos: 1 });
    await device.publishAsync(up, 'allowed', { qos: 1 });
    await waitFor(() => got.length >= 1, 10_000, 'the permitted publish');
    await settle();
    assert.deepEqual(got.map((m) => m.payload), ['allowed']);
    assert.deepEqual(gotElsewhere, []);
    assert.equal(device.connected, true, 'a dropped publish does not cost the device its connection');
    for (let i = 0; i < 20 && (await edgeStat('publishDenied')) <= deniedBefore; i++) await settle(500);
    assert.equal(await edgeStat('publishDenied'), deniedBefore + 1);
  });

  it('disconnects a device within seconds when its secret is rotated, and then accepts only the new secret', async () => {
    const { id, secret } = await register();
    const device = await connect(url, { clientId: id, username: id, password: secret });
    let closed = false;
    device.once('close', () => { closed = true; });
    const rotated = await api('POST', `/v1/devices/${id}/secret`);
    await waitFor(() => closed, 10_000, 'the connection closed');
    assert.equal(await connackCode({ clientId: id, username: id, password: secret }), 4, 'the old secret no longer works (cache dropped)');
    assert.equal(await connackCode({ clientId: id, username: id, password: rotated.json.secret as string }), 0);
  });

  it('keeps a refused filter out of a persistent session: nothing is queued for it', async () => {
    const { id, secret } = await register();
    const device = await connect(url, { clientId: id, username: id, password: secret, clean: false });
    assert.deepEqual(await subackCodes(device, [`devices/${id}`, 'devices/victim']), [1, 128]);
    await device.endAsync();
    assert.deepEqual((await cluster.memory.stores.sessions.subscriptions(id)).map((s) => s.topic), [`devices/${id}`]);
    await api('POST', '/v1/publish', { topic: 'devices/victim', payload: 'secret stuff', qos: 1 });
    await api('POST', '/v1/publish', { topic: `devices/${id}`, payload: 'mine', qos: 1 });
    const back = await connect(url, { clientId: id, username: id, password: secret, clean: false });
    const got = record(back);
    await waitFor(() => got.length >= 1, 15_000, 'the queued message');
    await settle(1500);
    assert.deepEqual(got.map((m) => m.payload), ['mine']);
  });
});
