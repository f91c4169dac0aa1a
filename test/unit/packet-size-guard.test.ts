import assert from 'node:assert/strict';
import { createConnection, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import mqttPacket from 'mqtt-packet';
import { maxPacketBytes } from '../../src/edge/packet-size-guard.js';
import { connect, subscribed, uniqueTopic, waitFor } from '../support/devices.js';
import { useInProcessCluster } from '../support/in-process-cluster.js';

const on = useInProcessCluster();

function rawDevice(url: string): Promise<Socket> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const s = createConnection({ host: '127.0.0.1', port: Number(port) }, () => resolve(s));
    s.once('error', reject);
  });
}

/** A fixed header: the packet type byte and MQTT's variable-length remaining length. */
function fixedHeader(type: number, remaining: number): Buffer {
  const bytes = [type];
  let rest = remaining;
  do {
    let b = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) b |= 0x80;
    bytes.push(b);
  } while (rest > 0);
  return Buffer.from(bytes);
}

/**
 * Sends the declared body in 64 KiB chunks until the edge closes the connection or `max` bytes
 * went out; resolves with what was written before the close.
 */
async function streamUntilClosed(s: Socket, max: number): Promise<{ written: number; closed: boolean }> {
  let closed = false;
  s.on('error', () => undefined);
  s.once('close', () => { closed = true; });
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  let written = 0;
  while (!closed && written < max) {
    const more = s.write(chunk);
    written += chunk.length;
    if (!more) await Promise.race([new Promise((r) => s.once('drain', r)), new Promise((r) => s.once('close', r))]);
  }
  await waitFor(() => closed, 5000, 'the edge closing the connection').catch(() => undefined);
  return { written, closed };
}

describe('a packet larger than an edge reads', () => {
  it('closes a connected device whose PUBLISH declares 200 MiB before reading the body, and serves the others', async () => {
    const topic = uniqueTopic('bystander');
    const bystander = await subscribed(on.edgeA, topic);
    const s = await rawDevice(on.edgeA);
    s.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'huge-publisher', keepalive: 0 }));
    s.write(fixedHeader(0x30, 200 * 1024 * 1024));
    const { written, closed } = await streamUntilClosed(s, 64 * 1024 * 1024);
    assert.equal(closed, true, 'the connection was closed');
    // The edge stopped reading at the header: what got out before the close is what the socket
    // buffers held, not the 64 MiB the device tried to send.
    assert.ok(written < 32 * 1024 * 1024, `${written} bytes went out before the close`);

    const pub = await connect(on.edgeB);
    await pub.publishAsync(topic, 'still here', { qos: 1 });
    await waitFor(() => bystander.got.length === 1, 10_000, 'delivery to the bystander');
  });

  it('closes a connection whose very first packet declares more than a CONNECT can hold', async () => {
    const s = await rawDevice(on.edgeB);
    s.write(fixedHeader(0x10, 100 * 1024 * 1024));
    const { written, closed } = await streamUntilClosed(s, 64 * 1024 * 1024);
    assert.equal(closed, true);
    assert.ok(written < 32 * 1024 * 1024, `${written} bytes went out before the close`);
  });

  it('reads a publish with the largest payload an edge accepts', async () => {
    const topic = uniqueTopic('largest');
    const { got } = await subscribed(on.edgeB, topic);
    const pub = await connect(on.edgeA);
    const payload = Buffer.alloc(256 * 1024, 0x42); // MQTT_MAX_PAYLOAD_BYTES' default
    await pub.publishAsync(topic, payload, { qos: 1 });
    await waitFor(() => got.length === 1, 10_000, 'the largest payload');
    assert.ok(maxPacketBytes(payload.length) > payload.length + 65_537, 'room for the largest topic beside it');
  });
});
