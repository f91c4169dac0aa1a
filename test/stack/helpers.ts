import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { connect, sleep } from '../support/devices.js';
import { callApi, registerDevice, type JsonReply } from '../support/rest.js';

export * from '../support/devices.js';
export type { JsonReply } from '../support/rest.js';

/** Where the stack under test listens; the same variables the scripts use. */
export const EDGE_PORTS = (process.env.RP_EDGE_PORTS ?? '1883,1884').split(',').map(Number);
export const EDGE_A = `mqtt://127.0.0.1:${EDGE_PORTS[0]}`;
export const EDGE_B = `mqtt://127.0.0.1:${EDGE_PORTS[1]}`;
export const API = `http://127.0.0.1:${process.env.API_PORT ?? '3000'}`;

/**
 * Waits until both edges admit new connections again, persistent ones included (after a broker or
 * Redis restart, routes and caches take a while): a CONNECT needs Redis, a control message through
 * RocketMQ and, for a persistent session, the broker's lite subscription.
 */
export async function clusterSettled(ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      for (const url of [EDGE_A, EDGE_B]) {
        // A persistent session too: its queue subscription needs the broker's group config back.
        const clientId = `settle-${randomUUID().slice(0, 8)}`;
        await (await connect(url, { connectTimeout: 15_000, clientId, clean: false })).endAsync(true);
        await (await connect(url, { connectTimeout: 15_000, clientId, clean: true })).endAsync(true);
      }
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`the cluster did not admit connections again within ${ms} ms: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** A second API process on `port` with keys of its own; resolves once it is ready. */
export async function startApi(port: number, apiKeys: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['dist/api/main.js'], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: 'ignore',
    env: { ...process.env, API_PORT: String(port), API_KEYS: apiKeys, ...env },
  });
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return proc; } catch { /* not up yet */ }
    await sleep(200);
  }
  proc.kill('SIGTERM');
  throw new Error(`the API on port ${port} did not become ready`);
}

/** The admin API key of the running stack: RP_API_KEY, or the one scripts/up.sh made. */
export function adminKey(): string {
  if (process.env.RP_API_KEY) return process.env.RP_API_KEY;
  const dataDir = process.env.RP_DATA_DIR ?? fileURLToPath(new URL('../../.data', import.meta.url));
  return readFileSync(`${dataDir}/api-key`, 'utf8').trim();
}

/** One REST call; `key` null sends no API key, undefined sends the admin key. */
export function api(method: string, path: string, body?: unknown, opts: { key?: string | null; raw?: string; base?: string } = {}): Promise<JsonReply> {
  return callApi(opts.base ?? API, opts.key === undefined ? adminKey() : opts.key, method, path, body, opts.raw);
}

export function postJson(path: string, body: unknown, raw?: string): Promise<JsonReply> {
  return api('POST', path, body, raw !== undefined ? { raw } : {});
}

/** Registers a device with a unique id (`<prefix>-…`) through the API; resolves with the id. */
export function register(prefix: string): Promise<string> {
  return registerDevice(API, adminKey(), prefix);
}

/**
 * A process log read from this moment on: log files are appended to across runs, so a line an
 * earlier run wrote must not satisfy a test.
 */
export async function logFrom(name: string): Promise<{ read(): Promise<string> }> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const file = `${process.env.RP_DATA_DIR ?? `${root}/.data`}/logs/${name}.log`;
  const start = await stat(file).then((s) => s.size, () => 0);
  return { read: async () => (await readFile(file)).subarray(start).toString('utf8') };
}
