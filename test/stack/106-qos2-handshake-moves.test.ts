// stack: runs beside other stack tests, ~36 s alone (it stops none of the shared processes and counts nothing cluster-wide)
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { closeAll, connect, EDGE_A, EDGE_PORTS, uniqueTopic } from './helpers.js';
import { isConnack, isPublish, isPubrel, isSuback, RawDevice } from './raw-device.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = process.env.RP_DATA_DIR ?? `${root}/.data`;
const port = Number(process.env.RP_TEST_HANDSHAKE_EDGE_PORT ?? 18862);
const edgeId = 'test-edge-handshake';
const devices: RawDevice[] = [];

after(async () => {
  for (const d of devices) d.close();
  await closeAll();
  await run('bash', ['scripts/edge.sh', 'stop', edgeId], { cwd: root }).catch(() => undefined);
});

async function persistentDevice(p: number, clientId: string): Promise<{ device: RawDevice; sessionPresent: boolean }> {
  const device = await RawDevice.open(p);
  devices.push(device);
  device.send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: false, clientId, keepalive: 300 });
  const connack = await device.take(isConnack, 15_000, 'CONNACK');
  assert.equal(connack.returnCode, 0);
  return { device, sessionPresent: connack.sessionPresent };
}

describe('a QoS 2 handshake to a device whose edge dies', () => {
  it('resumes on the next edge with the same packet id: PUBLISH again with DUP before PUBREC, only PUBREL after it', async () => {
    await run('bash', ['scripts/edge.sh', 'start', edgeId, String(port)], { cwd: root, timeout: 120_000, env: { ...process.env, RP_SUPERVISE: '0' } });
    const topic = uniqueTopic('handshake');
    const [idBefore, idAfter] = [`hs-a-${randomUUID().slice(0, 6)}`, `hs-b-${randomUUID().slice(0, 6)}`];

    // Device "before" will not answer PUBREC; device "after" answers PUBREC but not PUBCOMP.
    const before = (await persistentDevice(port, idBefore)).device;
    const afterRec = (await persistentDevice(port, idAfter)).device;
    for (const [d, id] of [[before, 1], [afterRec, 2]] as const) {
      d.send({ cmd: 'subscribe', messageId: id, subscriptions: [{ topic, qos: 2 }] });
      await d.take(isSuback, 10_000, 'SUBACK');
    }
    const publisher = await connect(EDGE_A);
    await publisher.publishAsync(topic, 'exactly-once', { qos: 2 });

    const first = await before.take(isPublish, 20_000, 'the PUBLISH on the first edge');
    assert.equal(first.dup, false);
    const firstOfAfter = await afterRec.take(isPublish, 20_000, 'the PUBLISH on the first edge');
    afterRec.send({ cmd: 'pubrec', messageId: firstOfAfter.messageId! });
    await afterRec.take(isPubrel, 10_000, 'PUBREL on the first edge');

    const pid = Number((await readFile(`${dataDir}/run/edge-${edgeId}.pid`, 'utf8')).trim());
    process.kill(pid, 'SIGKILL');
    before.close();
    afterRec.close();

    const other = EDGE_PORTS[1]!;
    const movedBefore = await persistentDevice(other, idBefore);
    const movedAfter = await persistentDevice(other, idAfter);
    assert.equal(movedBefore.sessionPresent, true);
    assert.equal(movedAfter.sessionPresent, true);

    // The batch the dead edge held comes back after the proxy's invisible time (ROCKETMQ_INVISIBLE_MS).
    const again = await movedBefore.device.take(isPublish, 60_000, 'the PUBLISH resent on the second edge');
    assert.equal(again.dup, true);
    assert.equal(again.messageId, first.messageId);
    assert.equal(String(again.payload), 'exactly-once');
    movedBefore.device.send({ cmd: 'pubrec', messageId: again.messageId! });
    await movedBefore.device.take(isPubrel, 10_000, 'PUBREL on the second edge');
    movedBefore.device.send({ cmd: 'pubcomp', messageId: again.messageId! });

    const release = await movedAfter.device.take(isPubrel, 60_000, 'the PUBREL resent on the second edge');
    assert.equal(release.messageId, firstOfAfter.messageId);
    movedAfter.device.send({ cmd: 'pubcomp', messageId: release.messageId! });
    assert.deepEqual(movedAfter.device.rest().filter(isPublish), [], 'the message itself is not sent again');

    // Both sessions go on normally once the handshakes completed.
    await publisher.publishAsync(topic, 'next', { qos: 2 });
    for (const d of [movedBefore.device, movedAfter.device]) {
      const next = await d.take(isPublish, 20_000, 'the next message');
      assert.equal(String(next.payload), 'next');
    }
  });
});
