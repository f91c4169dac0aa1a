// stack: runs beside other stack tests, ~21 s alone (it stops none of the shared processes and counts nothing cluster-wide)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { closeAll, connect, EDGE_A, EDGE_B, settle, sleep, subscribed, uniqueTopic, waitFor } from './helpers.js';
import { NumberedFlow } from './numbered-flow.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = process.env.RP_DATA_DIR ?? `${root}/.data`;
const port = Number(process.env.RP_TEST_DOOMED_EDGE_PORT ?? 18855) + 1;
const id = 'test-edge-killed-publisher';

let numbered: NumberedFlow | undefined;

after(async () => {
  await numbered?.close();
  await closeAll();
  await run('bash', ['scripts/edge.sh', 'stop', id], { cwd: root }).catch(() => undefined);
});

describe('accepted means durable, even when the accepting edge is killed', () => {
  it('delivers every QoS 1 message whose PUBACK arrived before the publishing edge was killed with SIGKILL, and keeps each publisher\'s order', async () => {
    await run('bash', ['scripts/edge.sh', 'start', id, String(port)], { cwd: root, timeout: 120_000, env: { ...process.env, RP_SUPERVISE: '0' } });
    // The order test's flow beside it: publishers on the doomed edge that move to another one when
    // it dies and send again what was not acknowledged; subscribers on both other edges.
    numbered = await NumberedFlow.start({ publishTo: [`mqtt://127.0.0.1:${port}`, EDGE_A], subscribeTo: [EDGE_A, EDGE_B], publishers: 8, window: 4, pauseMs: 5 });
    const topic = uniqueTopic('killed-publisher');
    const { got } = await subscribed(EDGE_B, topic);
    const pub = await connect(`mqtt://127.0.0.1:${port}`);
    pub.on('error', () => undefined);

    const acked = new Set<string>();
    let sent = 0;
    let stop = false;
    const window = Array.from({ length: 32 }, async () => {
      while (!stop) {
        const payload = `k${sent++}`;
        try {
          await pub.publishAsync(topic, payload, { qos: 1 });
          acked.add(payload);
        } catch {
          return; // the connection died with the edge
        }
      }
    });
    await waitFor(() => acked.size >= 1000, 60_000, '1,000 acknowledged messages');
    const pid = Number((await readFile(`${dataDir}/run/edge-${id}.pid`, 'utf8')).trim());
    const numberedAtKill = numbered.acknowledged;
    process.kill(pid, 'SIGKILL');
    // The windows go on until the connection is seen dead: the publishes in flight then (those
    // sent right before and after the kill) can never be acknowledged. Stopping them at the kill
    // once left none in flight when one SEND_OK had just acknowledged all 32 (a CI flake).
    await Promise.race([Promise.all(window), settle(5000)]);
    stop = true;

    const ackedAtKill = [...acked];
    await waitFor(() => ackedAtKill.every((p) => got.some((m) => m.payload === p)), 30_000, 'every acknowledged message at the subscriber');
    const received = new Set(got.map((m) => m.payload));
    const lost = ackedAtKill.filter((p) => !received.has(p));
    assert.equal(lost.length, 0, `acknowledged but lost: ${lost.slice(0, 10).join(', ')}`);
    assert.equal(got.length, received.size, 'no message delivered twice');
    assert.ok(sent > acked.size, 'the kill really happened mid-flight: some publishes were never acknowledged');

    // The numbered publishers went on through another edge: a few seconds of that, then the count.
    await waitFor(() => numbered!.acknowledged > numberedAtKill + 500, 60_000, 'the numbered publishers going on through another edge');
    await sleep(1000);
    await numbered.stop();
    const order = await numbered.check('publishing edge killed');
    console.log(`# numbered flow: ${order.acknowledged} acknowledged (${numberedAtKill} before the kill), in order at 2 subscribers, ${order.repeats} repeats`);
  });
});
