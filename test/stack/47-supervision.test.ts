import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { closeAll, subscribed, connect, EDGE_A, EDGE_B, sleep, uniqueTopic, waitFor } from './helpers.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const runDir = `${process.env.RP_DATA_DIR ?? join(root, '.data')}/run`;
const logDir = `${process.env.RP_DATA_DIR ?? join(root, '.data')}/logs`;

after(closeAll);

async function status(): Promise<string> {
  const { stdout } = await run('bash', ['scripts/status.sh'], { cwd: root, timeout: 60_000 });
  return stdout;
}

async function httpPort(edge: string): Promise<number> {
  return Number((await readFile(`${runDir}/edge-${edge}.http`, 'utf8')).trim());
}

async function get(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url).catch(() => null);
  if (!res) return { status: 0, body: {} };
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('supervision and health', () => {
  it('every edge answers /healthz and /readyz on its own HTTP port', async () => {
    for (const edge of ['edge-1', 'edge-2']) {
      const port = await httpPort(edge);
      assert.deepEqual(await get(`http://127.0.0.1:${port}/healthz`), { status: 200, body: { status: 'ok', edgeId: edge } });
      assert.deepEqual(await get(`http://127.0.0.1:${port}/readyz`), { status: 200, body: { status: 'ready', edgeId: edge } });
      assert.equal((await get(`http://127.0.0.1:${port}/nothing`)).status, 404);
    }
  });

  it('restarts an edge killed with SIGKILL, says so in the status meanwhile, and keeps its log', async () => {
    const before = await status();
    const restarts = Number(/edge-edge-2: running \(pid \d+, ready, restarts: (\d+)\)/.exec(before)?.[1]);
    assert.ok(Number.isInteger(restarts), `status names edge 2 with its restarts:\n${before}`);
    const pid = Number((await readFile(`${runDir}/edge-edge-2.pid`, 'utf8')).trim());
    const logBefore = await readFile(`${logDir}/edge-edge-2.log`, 'utf8');

    process.kill(pid, 'SIGKILL');
    const during = await status();
    assert.match(during, /ready: no \(.*edge-edge-2/, `status while edge 2 is down:\n${during}`);

    const port = await httpPort('edge-2');
    let ready = false;
    for (let i = 0; i < 120 && !ready; i++) {
      ready = (await get(`http://127.0.0.1:${port}/readyz`)).status === 200;
      if (!ready) await sleep(500);
    }
    assert.ok(ready, 'edge 2 ready again within a minute');
    const newPid = Number((await readFile(`${runDir}/edge-edge-2.pid`, 'utf8')).trim());
    assert.notEqual(newPid, pid);
    const after = await status();
    assert.match(after, new RegExp(`edge-edge-2: running \\(pid ${newPid}, ready, restarts: ${restarts + 1}\\)`), after);
    assert.match(after, /ready: yes/);

    const log = await readFile(`${logDir}/edge-edge-2.log`, 'utf8');
    assert.ok(log.startsWith(logBefore.slice(0, 2000)), 'the log before the crash is still there');
    assert.match(log.slice(logBefore.length), /"message":"process exited unexpectedly; restarting".*"exitCode":137/);

    // And it serves devices again, across edges.
    const topic = uniqueTopic('after-restart');
    const { got } = await subscribed(EDGE_B, topic, 1);
    const pub = await connect(EDGE_A);
    await pub.publishAsync(topic, 'back', { qos: 1 });
    await waitFor(() => got.length >= 1, 20_000, 'a message through the restarted edge');
  });

  it('rotates a log by size instead of truncating it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rp-rotate-'));
    const file = join(dir, 'x.log');
    await writeFile(file, 'a'.repeat(300));
    const rotate = () => run('bash', ['-c', `source scripts/lib/env.sh && rotate_log "${file}"`], {
      cwd: root, env: { ...process.env, RP_LOG_MAX_BYTES: '200', RP_LOG_KEEP: '2' },
    });
    await rotate();
    assert.equal(await readFile(file, 'utf8'), '');
    assert.equal((await readFile(`${file}.1`, 'utf8')).length, 300);
    await writeFile(file, 'b'.repeat(250));
    await rotate();
    await writeFile(file, 'c'.repeat(250));
    await rotate();
    assert.deepEqual((await readdir(dir)).sort(), ['x.log', 'x.log.1', 'x.log.2']);
    assert.equal((await readFile(`${file}.1`, 'utf8'))[0], 'c');
    assert.equal((await readFile(`${file}.2`, 'utf8'))[0], 'b');
  });
});
