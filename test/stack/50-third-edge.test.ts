import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { closeAll, connect, EDGE_A, postJson, record, settle, uniqueTopic, waitFor } from './helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const port = Number(process.env.RP_TEST_EXTRA_EDGE_PORT ?? 18853);
let edge: ReturnType<typeof spawn> | null = null;

after(async () => {
  await closeAll();
  if (edge && edge.exitCode === null) {
    const exited = new Promise((r) => edge!.once('exit', r));
    edge.kill('SIGTERM');
    await exited;
  }
});

describe('an edge started by hand joins the running cluster', () => {
  it('receives device and REST traffic with no other change, and stops cleanly on SIGTERM', async () => {
    edge = spawn(process.execPath, ['--import', 'tsx', 'src/edge/main.ts'], {
      cwd: root,
      env: { ...process.env, EDGE_ID: `test-edge-${process.pid}`, MQTT_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    edge.stdout!.on('data', (d: Buffer) => { output += d.toString(); });
    edge.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
    await waitFor(() => output.includes('"edge ready"') || edge!.exitCode !== null, 60_000, 'the third edge to start');
    assert.ok(output.includes('"edge ready"'), `edge did not start:\n${output}`);

    const topic = uniqueTopic('third');
    const sub = await connect(`mqtt://127.0.0.1:${port}`);
    const got = record(sub);
    await sub.subscribeAsync(topic, { qos: 1 });
    const pub = await connect(EDGE_A);
    await pub.publishAsync(topic, 'from edge A', { qos: 1 });
    assert.equal((await postJson('/v1/publish', { topic, payload: 'from REST', qos: 1 })).status, 202);
    await waitFor(() => got.length >= 2, 15_000, 'both messages on the new edge');
    await settle(500);
    assert.deepEqual(got.map((m) => m.payload).sort(), ['from REST', 'from edge A']);

    const exited = new Promise<number | null>((r) => edge!.once('exit', (code) => r(code)));
    edge.kill('SIGTERM');
    assert.equal(await exited, 0);
    for (const line of output.trim().split('\n')) assert.doesNotThrow(() => JSON.parse(line), `log line is JSON: ${line}`);
  });
});
