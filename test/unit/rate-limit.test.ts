import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { sleep } from '../support/devices.js';
import { InProcessCluster, useInProcessCluster } from '../support/in-process-cluster.js';

// Moved from the stack (test/stack/125-rate-limit): runs on the in-process cluster (memory stores and bus).
const on = useInProcessCluster(async () => {
  base = await on.cluster.addApi({ API_KEYS: `slow:${slowKey}:devices.read:2,other:${otherKey}:devices.read:2` });
});
const api = (...args: Parameters<InProcessCluster['api']>) => on.cluster.api(...args);

// An API process of its own whose keys have small rates, so the limit is reached quickly.
let base = '';
const slowKey = `slow-${randomUUID()}`;
const otherKey = `other-${randomUUID()}`;

async function status(key: string): Promise<{ status: number; retryAfter: string | null; code?: string }> {
  const res = await fetch(`${base}/v1/devices?limit=1`, { headers: { authorization: `Bearer ${key}` } });
  const body = await res.json() as { error?: { code: string } };
  return { status: res.status, retryAfter: res.headers.get('retry-after'), ...(body.error ? { code: body.error.code } : {}) };
}

describe('rate limits per API key', () => {
  it('answers 429 with Retry-After past the key\'s rate, leaves other keys alone, and lets the key in again later', async () => {
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await status(slowKey));
    const limited = answers.filter((a) => a.status === 429);
    assert.ok(answers[0]!.status === 200 && answers[1]!.status === 200, 'the burst (one second of the rate) goes through');
    assert.ok(limited.length >= 4, `most of 8 quick calls at 2/s are refused (${answers.map((a) => a.status).join(',')})`);
    assert.ok(limited.every((a) => a.code === 'rate_limited' && Number(a.retryAfter) >= 1));

    assert.equal((await status(otherKey)).status, 200, 'another key has its own budget');
    await sleep(Number(limited[0]!.retryAfter) * 1000 + 100);
    assert.equal((await status(slowKey)).status, 200);
  });

  it('does not limit the main API\'s admin key at this pace', async () => {
    for (let i = 0; i < 8; i++) assert.equal((await api('GET', '/v1/devices?limit=1')).status, 200);
  });
});
