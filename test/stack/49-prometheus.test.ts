import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { EDGE_A, closeAll, connect, eventually, uniqueTopic } from './helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const port = Number(process.env.RP_TEST_PROMETHEUS_PORT ?? 19090);
let prometheus: ChildProcess | null = null;

/** Debian's prometheus, installed when missing (as the scripts install redis-server). */
function prometheusBinary(): string {
  if (!existsSync('/usr/bin/prometheus')) {
    execFileSync('apt-get', ['install', '-y', '-q', 'prometheus'], { stdio: 'ignore', timeout: 300_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  return '/usr/bin/prometheus';
}

async function query(promql: string): Promise<number | null> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(promql)}`).catch(() => null);
  if (!res?.ok) return null;
  const body = await res.json() as { data?: { result?: Array<{ value: [number, string] }> } };
  const first = body.data?.result?.[0];
  return first ? Number(first.value[1]) : null;
}

before(() => {
  // The repository's own scrape configuration, only scraped faster so the test need not wait.
  const dir = mkdtempSync(join(tmpdir(), 'rp-prometheus-'));
  const config = readFileSync(join(root, 'deploy/prometheus/prometheus.yml'), 'utf8').replace(/scrape_interval: \S+/, 'scrape_interval: 1s');
  writeFileSync(join(dir, 'prometheus.yml'), config);
  prometheus = spawn(prometheusBinary(), [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ], { stdio: 'ignore' });
});

after(async () => {
  await closeAll();
  prometheus?.kill('SIGTERM');
});

describe('Prometheus scrapes the development cluster with deploy/prometheus/prometheus.yml', () => {
  it('has every edge and the API up as targets', async () => {
    await eventually(async () => (await query('count(up{job="rocketpush-edge"} == 1)')) === 2, 60_000, 'both edges scraped and up');
    await eventually(async () => (await query('up{job="rocketpush-api"}')) === 1, 30_000, 'the API scraped and up');
  });

  it('reads a moving rocketpush series back through its HTTP API', async () => {
    const series = 'sum(rocketpush_publishes_received_total{job="rocketpush-edge",qos="1"})';
    await eventually(async () => (await query(series)) !== null, 30_000, 'the publish counter scraped');
    const start = (await query(series))!;
    const publisher = await connect(EDGE_A);
    const topic = uniqueTopic('prometheus');
    for (let i = 0; i < 25; i++) await publisher.publishAsync(topic, `p${i}`, { qos: 1 });
    let now: number | null = start;
    await eventually(async () => { now = await query(series); return now !== null && now >= start + 25; }, 30_000, () => `counter went from ${start} to ${now}, wanted +25`);
  });
});
