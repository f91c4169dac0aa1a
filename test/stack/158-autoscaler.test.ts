import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { autoscalerAnswer, edgeListAnswer } from '../../src/api/schemas.js';
import { MovingDevice } from './moving-device.js';
import { api, closeAll, eventually, sleep, uniqueTopic } from './helpers.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const httpPort = Number(process.env.RP_TEST_AUTOSCALER_PORT ?? 19891);
const basePort = Number(process.env.RP_TEST_AUTOSCALER_EDGE_PORT ?? 18921);
const prefix = `auto-${randomUUID().slice(0, 4)}-`;
const devices: MovingDevice[] = [];
let autoscaler: ChildProcess | null = null;
let autoscalerLog = '';

after(async () => {
  autoscaler?.kill('SIGTERM');
  await Promise.all(devices.map((d) => d.stop()));
  await closeAll();
  // Whatever the autoscaler left running (it drains on its own when the test passes).
  const items = edgeListAnswer.parse((await api('GET', '/v1/edges')).json).items;
  await Promise.all(items.filter((e) => e.id.startsWith(prefix)).map((e) => run('bash', ['scripts/edge.sh', 'stop', e.id], { cwd: root }).catch(() => undefined)));
});

async function edgesNow(): Promise<Map<string, { state: string; connections: number }>> {
  const items = edgeListAnswer.parse((await api('GET', '/v1/edges')).json).items;
  return new Map(items.filter((e) => e.alive && e.load).map((e) => [e.id, { state: e.load!.state, connections: e.load!.connections }]));
}

describe('the autoscaler on the live cluster', () => {
  it('scales out under a rising load and back in with a drain when it falls, losing nothing on persistent sessions', async (t) => {
    // Sized so that 60 devices need a third edge: 25 connections per edge at 80 %.
    autoscaler = spawn(process.execPath, ['dist/autoscaler/main.js'], {
      cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env, AUTOSCALE_INTERVAL_MS: '1000', AUTOSCALE_MIN_EDGES: '2', AUTOSCALE_MAX_EDGES: '3', AUTOSCALE_TARGET: '0.8',
        AUTOSCALE_EDGE_CONNECTIONS: '25', AUTOSCALE_SCALE_DOWN_WINDOW_MS: '5000', AUTOSCALE_HTTP_PORT: String(httpPort),
        AUTOSCALE_LOCAL_BASE_PORT: String(basePort), AUTOSCALE_ID_PREFIX: prefix,
      },
    });
    autoscaler.stdout!.on('data', (c: Buffer) => { autoscalerLog += c.toString(); });
    autoscaler.stderr!.on('data', (c: Buffer) => { autoscalerLog += c.toString(); });
    await eventually(async () => (await fetch(`http://127.0.0.1:${httpPort}/healthz`).catch(() => null))?.ok === true, 20_000, 'the autoscaler answers');

    const topic = uniqueTopic('autoscale');
    const run8 = randomUUID().slice(0, 8);
    const published: string[] = [];
    let publishing = true;
    const publisher = (async () => {
      for (let n = 0; publishing; n++) {
        const res = await api('POST', '/v1/publish', { topic, payload: `m-${n}`, qos: 1 });
        if (res.status === 202) published.push(`m-${n}`);
        await sleep(100);
      }
    })();

    // A device is owed what was accepted after its SUBACK; the one publish that may be in flight
    // at that moment (the publisher sends one at a time) may have been routed before it.
    const joined = async (d: MovingDevice) => { await d.start(); d.owedFrom = published.length + 1; };
    // Up: persistent devices arrive in waves; with more than 40 the two edges are past 80 %.
    for (let wave = 0; wave < 6; wave++) {
      const batch = Array.from({ length: 10 }, (_, i) => new MovingDevice(`as-${run8}-${wave * 10 + i}`, false, topic, `${topic}/will`));
      devices.push(...batch);
      await Promise.all(batch.map((d) => joined(d)));
      await sleep(1500);
    }
    await eventually(async () => [...(await edgesNow()).keys()].some((id) => id.startsWith(prefix)), 90_000,
      () => `the autoscaler started an edge (log: ${autoscalerLog.slice(-600)})`);
    const added = [...(await edgesNow()).keys()].find((id) => id.startsWith(prefix))!;
    // Newcomers go to the new, empty edge.
    const late = Array.from({ length: 10 }, (_, i) => new MovingDevice(`as-${run8}-late-${i}`, false, topic, `${topic}/will`));
    devices.push(...late);
    await Promise.all(late.map((d) => joined(d)));
    await eventually(async () => ((await edgesNow()).get(added)?.connections ?? 0) >= 5, 15_000, 'devices on the added edge');
    const status = autoscalerAnswer.parse((await api('GET', '/v1/autoscaler')).json);
    assert.ok(status.desired >= 3, JSON.stringify(status));

    // Down: most devices leave for good; the autoscaler drains the edge it added, its devices move.
    const leaving = devices.filter((d) => !late.includes(d)).slice(0, 50);
    await Promise.all(leaving.map((d) => d.stop()));
    await eventually(async () => !(await edgesNow()).has(added), 60_000, () => `the added edge drained and gone (log: ${autoscalerLog.slice(-600)})`);
    const staying = devices.filter((d) => !leaving.includes(d));
    await eventually(async () => staying.every((d) => d.edges.length > 0 && !d.edges.at(-1)!.startsWith(prefix)), 30_000, 'the moved devices reconnected elsewhere');

    await sleep(1000);
    publishing = false;
    await publisher;
    const missing = (d: MovingDevice) => { const got = new Set(d.got); return published.slice(d.owedFrom).filter((p) => !got.has(p)); };
    await eventually(async () => staying.every((d) => missing(d).length === 0), 60_000,
      () => `every staying persistent session has every message (${staying.filter((d) => missing(d).length > 0).map((d) => `${d.id}: ${missing(d).slice(0, 5).join(',')}`).join('; ')})`);
    const moved = staying.filter((d) => d.edges.includes(added)).length;
    t.diagnostic(`added ${added}; ${moved} of ${staying.length} staying devices were on it and moved back; ${published.length} messages, none lost`);
    assert.ok(moved >= 5, `${moved} devices moved off the drained edge`);
    const lines = autoscalerLog.trim().split('\n').map((l) => JSON.parse(l) as { message: string; desired?: number; current?: number; reason?: string; edgeId?: string });
    const decisions = lines.filter((l) => l.message === 'autoscaler decision');
    assert.ok(decisions.length >= 20, `every decision is logged (${decisions.length})`);
    assert.ok(decisions.every((l) => l.reason), 'each with its reason');
    assert.ok(lines.some((l) => l.message === 'autoscaler decision' && l.desired === 3 && l.current === 2), 'the scale-out was logged');
    assert.ok(lines.some((l) => l.message === 'autoscaler decision' && l.desired === 2 && l.current === 3), 'the scale-in was logged');
    assert.ok(lines.some((l) => l.message === 'autoscaler: draining an edge' && l.edgeId === added));
  });
});
