import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { edgeListAnswer } from '../../src/api/schemas.js';
import { MovingDevice } from './moving-device.js';
import { api, closeAll, EDGE_A, eventually, logFrom, sleep, subscribed, uniqueTopic } from './helpers.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const extra = [
  { id: 'drain-edge-3', port: Number(process.env.RP_TEST_DRAIN_EDGE_PORTS?.split(',')[0] ?? 18863) },
  { id: 'drain-edge-4', port: Number(process.env.RP_TEST_DRAIN_EDGE_PORTS?.split(',')[1] ?? 18864) },
];
const edgeScript = (...args: string[]) => run('bash', ['scripts/edge.sh', ...args], { cwd: root, timeout: 120_000 });
const devices: MovingDevice[] = [];

after(async () => {
  await Promise.all(devices.map((d) => d.stop()));
  await closeAll();
  await Promise.all(extra.map((e) => edgeScript('stop', e.id).catch(() => undefined)));
});

async function loads(): Promise<Map<string, number>> {
  const items = edgeListAnswer.parse((await api('GET', '/v1/edges')).json).items;
  return new Map(items.filter((e) => e.alive && e.load?.state === 'ready').map((e) => [e.id, e.load!.connections]));
}

function spread(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.max(...values.map((v) => Math.abs(v - mean) / mean));
}

/** Waits until exactly `ids` are the ready edges and their connections are within 10 % of each other. */
async function balanced(ids: string[], what: string): Promise<Map<string, number>> {
  let seen = new Map<string, number>();
  await eventually(async () => {
    seen = await loads();
    const mine = ids.map((id) => seen.get(id) ?? -1);
    return seen.size === ids.length && mine.every((n) => n > 0) && spread(mine) <= 0.1;
  }, 45_000, () => `${what}: connections within 10 % on ${ids.join(', ')} (last: ${JSON.stringify([...seen])})`);
  return seen;
}

describe('scaling out and in while devices stay connected', () => {
  it('goes 2 -> 4 -> 2 edges under QoS 1 traffic: nothing lost for persistent sessions, no will, connections even after each step', async (t) => {
    const run8 = randomUUID().slice(0, 8);
    const persistentTopic = uniqueTopic('drain-p');
    const cleanTopic = uniqueTopic('drain-c');
    const willTopic = uniqueTopic('drain-will');
    // Persistent, so that a will published while the watcher itself moves still reaches it.
    const watcher = await subscribed(EDGE_A, willTopic, 1, { clientId: `drain-watch-${run8}`, clean: false, reconnectPeriod: 500 });

    for (let i = 0; i < 60; i++) devices.push(new MovingDevice(`drain-p-${run8}-${i}`, false, persistentTopic, willTopic));
    for (let i = 0; i < 60; i++) devices.push(new MovingDevice(`drain-c-${run8}-${i}`, true, cleanTopic, willTopic));
    for (let i = 0; i < devices.length; i += 20) await Promise.all(devices.slice(i, i + 20).map((d) => d.start()));
    await balanced(['edge-1', 'edge-2'], 'before scaling');

    // Steady QoS 1 traffic through the API (no edge), 20 messages a second to each group.
    const published = { p: [] as string[], c: [] as string[] };
    let publishing = true;
    const failures: string[] = [];
    const publisher = (async () => {
      for (let n = 0; publishing; n++) {
        await Promise.all((['p', 'c'] as const).map(async (g) => {
          const payload = `${g}-${n}`;
          const res = await api('POST', '/v1/publish', { topic: g === 'p' ? persistentTopic : cleanTopic, payload, qos: 1 });
          if (res.status === 202) published[g].push(payload); else failures.push(`${payload}: ${res.status}`);
        }));
        await sleep(50);
      }
    })();

    // Out: two edges join, the two old ones shed their excess, the devices come back through assignment.
    await Promise.all(extra.map((e) => edgeScript('start', e.id, String(e.port))));
    await eventually(async () => (await loads()).size === 4, 15_000, 'four ready edges');
    const rebalance = await api('POST', '/v1/edges/rebalance');
    assert.equal(rebalance.status, 202, JSON.stringify(rebalance.json));
    await balanced(['edge-1', 'edge-2', ...extra.map((e) => e.id)], 'after scaling out');
    // A rebalance moves persistent sessions first (they lose nothing); clean sessions that arrive
    // now spread over all four, so the drain below moves both kinds.
    const late: MovingDevice[] = [];
    for (let i = 0; i < 20; i++) late.push(new MovingDevice(`drain-c-${run8}-late-${i}`, true, cleanTopic, willTopic));
    devices.push(...late);
    await Promise.all(late.map(async (d) => { d.owedFrom = published.c.length; await d.start(); }));
    // Assignment may skew new connections (it avoids an edge that is hot at that moment); evening
    // them out is what a rebalance is for.
    assert.equal((await api('POST', '/v1/edges/rebalance')).status, 202);
    const four = await balanced(['edge-1', 'edge-2', ...extra.map((e) => e.id)], 'with the late devices');

    // In: one drained through the API, the other through the scripts (SIGTERM), at the same time.
    const [viaApi, viaScript] = extra;
    const viaApiLog = await logFrom(`edge-${viaApi!.id}`);
    const drained = await api('POST', `/v1/edges/${viaApi!.id}/drain`);
    assert.equal(drained.status, 202, JSON.stringify(drained.json));
    await edgeScript('drain', viaScript!.id);
    await eventually(async () => !(await loads()).has(viaApi!.id), 45_000, 'the edge drained through the API is gone');
    const two = await balanced(['edge-1', 'edge-2'], 'after scaling in');

    await sleep(2000);
    publishing = false;
    await publisher;
    assert.deepEqual(failures, [], 'every publish was accepted');
    const persistent = devices.filter((d) => !d.clean);
    const missing = (d: MovingDevice, all: string[]) => { const got = new Set(d.got); return all.slice(d.owedFrom).filter((p) => !got.has(p)); };
    await eventually(async () => persistent.every((d) => missing(d, published.p).length === 0), 60_000,
      () => `persistent sessions complete (${persistent.filter((d) => missing(d, published.p).length > 0).length} still missing messages)`);
    const cleanMissed = devices.filter((d) => d.clean).reduce((n, d) => n + missing(d, published.c).length, 0);
    const moved = devices.filter((d) => new Set(d.edges).size > 1).length;
    t.diagnostic(`published ${published.p.length} + ${published.c.length}; ${moved}/${devices.length} devices moved; ` +
      `connections with 4 edges ${JSON.stringify([...four])}, with 2 ${JSON.stringify([...two])}; ` +
      `clean-session messages missed while reconnecting: ${cleanMissed} of ${devices.filter((d) => d.clean).reduce((n, d) => n + published.c.length - d.owedFrom, 0)}`);
    // With four edges half of the devices belonged elsewhere, and each drained edge's went back.
    assert.ok(moved >= 0.4 * devices.length, `${moved} devices moved`);
    assert.ok(late.some((d) => extra.some((e) => d.edges.includes(e.id)) && new Set(d.edges).size > 1), 'a clean session was drained and came back');
    assert.deepEqual(watcher.got.map((m) => m.payload), [], 'no will was published');

    // The edge drained through the API exited on purpose: its supervisor did not start it again.
    // The supervisor writes its line after the edge has left the cluster.
    let log = '';
    await eventually(async () => /"message":"process finished on its own; not restarting"/.test(log = await viaApiLog.read()), 20_000,
      () => `the supervisor's "not restarting" line in the log of ${viaApi!.id}: ${log.slice(-2000)}`);
    assert.match(log, /"message":"drain requested by an operator"/);
    const status = (await run('bash', ['scripts/status.sh'], { cwd: root })).stdout;
    assert.ok(!status.includes(viaApi!.id) && !status.includes(viaScript!.id), status);
  });
});
