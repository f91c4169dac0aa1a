// stack: runs beside other stack tests, ~2 s alone (it stops none of the shared processes and counts nothing cluster-wide)
import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { after, describe, it } from 'node:test';
import { closeAll, connect, EDGE_A, EDGE_B, EDGE_PORTS, record, uniqueTopic, waitFor, subscribed } from './helpers.js';

after(closeAll);

function rawSocket(port: number) {
  return new Promise<import('node:net').Socket>((resolve, reject) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

describe('a misbehaving client harms only itself', () => {
  it('closes a connection that sends a malformed packet, and others keep working', async () => {
    const topic = uniqueTopic('bystander');
    const { client: bystander, got } = await subscribed(EDGE_A, topic);

    const bad = await rawSocket(EDGE_PORTS[0]!);
    const closed = new Promise<void>((r) => bad.once('close', () => r()));
    // A CONNECT header whose protocol name is garbage and whose length runs past the data.
    bad.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x04, 0x58, 0x58, 0x58, 0x58]));
    bad.write(Buffer.from([0xf0, 0x00]));
    await closed;

    const pub = await connect(EDGE_B);
    await pub.publishAsync(topic, 'still here', { qos: 1 });
    await waitFor(() => got.length >= 1, 10_000, 'delivery to the bystander');
    assert.equal(got[0]?.payload, 'still here');
    assert.equal(bystander.connected, true);
  });

  it('closes a connected client that sends a reserved packet type', async () => {
    const victim = await connect(EDGE_A);
    const bad = await connect(EDGE_A);
    const closed = new Promise<void>((r) => bad.stream.once('close', () => r()));
    bad.stream.write(Buffer.from([0xf0, 0x00])); // packet type 15 is reserved in MQTT 3.1.1
    await closed;
    const topic = uniqueTopic('victim');
    const got = record(victim);
    await victim.subscribeAsync(topic, { qos: 0 });
    const pub = await connect(EDGE_B);
    await pub.publishAsync(topic, 'ok', { qos: 1 });
    await waitFor(() => got.length >= 1, 10_000, 'delivery');
    assert.equal(victim.connected, true);
  });

  it('closes the connection of a device that publishes over the payload limit, and delivers nothing', async () => {
    const topic = uniqueTopic('oversized');
    const { got } = await subscribed(EDGE_B, topic);
    const big = await connect(EDGE_A);
    const closed = new Promise<void>((r) => big.stream.once('close', () => r()));
    big.publish(topic, Buffer.alloc(300 * 1024), { qos: 1 });
    await closed;
    const pub = await connect(EDGE_A);
    await pub.publishAsync(topic, 'small', { qos: 1 });
    await waitFor(() => got.length >= 1, 10_000, 'the small message');
    assert.deepEqual(got.map((m) => m.payload), ['small']);
  });

  it('refuses a zero-length client id without clean session with CONNACK 2 (MQTT-3.1.3-8), and admits it with clean session', async () => {
    // mqtt.js and mqtt-packet will not make it (they refuse on the client side): the bytes by hand.
    // CONNECT, remaining length 12: "MQTT", level 4, flags 0 (clean session 0), keepalive 60, client id "".
    const raw = await rawSocket(EDGE_PORTS[0]!);
    const answer = new Promise<Buffer>((r) => raw.once('data', r));
    raw.write(Buffer.from([0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x00, 0x00, 0x3c, 0x00, 0x00]));
    assert.deepEqual([...(await answer)], [0x20, 0x02, 0x00, 0x02], 'CONNACK with return code 2, identifier rejected');
    raw.destroy();
    const anonymous = await connect(EDGE_A, { clientId: '', clean: true });
    assert.equal(anonymous.connected, true);
  });

  it('acknowledges a publish to a $ topic and delivers it to no wildcard subscriber, keeping the connection (MQTT-4.7.2-1)', async () => {
    const { got } = await subscribed(EDGE_B, '#', 0);
    const plus = await subscribed(EDGE_B, '+/rocketpush-test', 0);
    const device = await connect(EDGE_A);
    await device.publishAsync('$rocketpush-test/x', 'dollar', { qos: 1 });
    await device.publishAsync('$rocketpush-test', 'dollar', { qos: 1 });
    const topic = uniqueTopic('after-dollar');
    await device.publishAsync(topic, 'after', { qos: 1 });
    await waitFor(() => got.some((m) => m.topic === topic), 10_000, 'the publish after the $ ones');
    assert.equal(device.connected, true, 'the connection stays open');
    assert.deepEqual(got.filter((m) => m.topic.startsWith('$')), []);
    assert.deepEqual(plus.got, []);
  });
});
