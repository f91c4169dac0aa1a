import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { connect, waitFor } from '../support/devices.js';
import { InProcessCluster, useInProcessCluster } from '../support/in-process-cluster.js';

// Moved from the stack (test/stack/110-devices): runs on the in-process cluster (memory stores and bus).
const on = useInProcessCluster(async () => {
  limitedBase = await on.cluster.addApi({ API_KEYS: `reader:${readerKey}:devices.read,publisher:${publisherKey}:publish` });
});
const api = (...args: Parameters<InProcessCluster['api']>) => on.cluster.api(...args);

// A second API process with keys of its own, to see what a key without a scope gets.
let limitedBase = '';
const readerKey = `reader-${randomUUID()}`;
const publisherKey = `publisher-${randomUUID()}`;

const uid = () => `dev-${randomUUID().slice(0, 8)}`;

describe('the device registry (REST, API keys)', () => {
  it('refuses calls without a valid API key (401) and calls beyond the key\'s scopes (403), in the one error shape', async () => {
    const none = await api('GET', '/v1/devices', undefined, { key: null });
    assert.equal(none.status, 401);
    assert.equal(none.json.error?.code, 'unauthorized');
    const wrong = await api('GET', '/v1/devices', undefined, { key: 'not-a-key-of-this-cluster' });
    assert.equal(wrong.status, 401);

    const readOnly = await api('POST', '/v1/devices', { id: uid() }, { key: readerKey, base: limitedBase });
    assert.equal(readOnly.status, 403);
    assert.equal(readOnly.json.error?.code, 'forbidden');
    assert.equal((await api('GET', '/v1/devices?limit=1', undefined, { key: readerKey, base: limitedBase })).status, 200);
    assert.equal((await api('POST', '/v1/publish', { topic: 'x', payload: 'y' }, { key: readerKey, base: limitedBase })).status, 403);
    assert.equal((await api('POST', '/v1/devices', { id: uid() }, { key: publisherKey, base: limitedBase })).status, 403);
    assert.equal((await api('POST', '/v1/publish', { topic: 'x', payload: 'y' }, { key: publisherKey, base: limitedBase })).status, 202);
  });

  it('registers a device once, shows its secret only then, and keeps only a hash of it', async () => {
    const id = uid();
    const created = await api('POST', '/v1/devices', { id, user: 'alice', tags: ['beta', 'eu', 'beta'] });
    assert.equal(created.status, 201);
    assert.equal(created.json.id, id);
    assert.equal(created.json.user, 'alice');
    assert.deepEqual(created.json.tags, ['beta', 'eu']);
    assert.equal(typeof created.json.secret, 'string');
    assert.ok((created.json.secret as string).length >= 40);

    const again = await api('POST', '/v1/devices', { id });
    assert.equal(again.status, 409);
    assert.equal(again.json.error?.field, 'id');

    const got = await api('GET', `/v1/devices/${id}`);
    assert.equal(got.status, 200);
    assert.equal(got.json.secret, undefined);
    assert.equal(got.json.user, 'alice');
  });

  it('updates the user alias and tags, and moves the device between the lists', async () => {
    const id = uid();
    const [u1, u2, tag] = [`u-${randomUUID().slice(0, 6)}`, `u-${randomUUID().slice(0, 6)}`, `t-${randomUUID().slice(0, 6)}`];
    await api('POST', '/v1/devices', { id, user: u1 });
    const patched = await api('PATCH', `/v1/devices/${id}`, { user: u2, tags: [tag] });
    assert.equal(patched.status, 200);
    assert.equal(patched.json.user, u2);
    assert.deepEqual(patched.json.tags, [tag]);
    assert.deepEqual((await api('GET', `/v1/devices?user=${u1}`)).json.items, []);
    assert.deepEqual(((await api('GET', `/v1/devices?user=${u2}`)).json.items as { id: string }[]).map((d) => d.id), [id]);
    assert.deepEqual(((await api('GET', `/v1/devices?tag=${tag}`)).json.items as { id: string }[]).map((d) => d.id), [id]);

    const cleared = await api('PATCH', `/v1/devices/${id}`, { user: null });
    assert.equal(cleared.json.user, null);
    assert.deepEqual(cleared.json.tags, [tag], 'fields not given stay as they were');
    assert.deepEqual((await api('GET', `/v1/devices?user=${u2}`)).json.items, []);
  });

  it('lists a user\'s devices page by page, in id order, each once', async () => {
    const user = `pager-${randomUUID().slice(0, 6)}`;
    const ids = Array.from({ length: 7 }, (_, i) => `pg-${user}-${i}`);
    for (const id of [...ids].reverse()) assert.equal((await api('POST', '/v1/devices', { id, user })).status, 201);
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page = await api('GET', `/v1/devices?user=${user}&limit=3${after ? `&after=${after}` : ''}`);
      assert.equal(page.status, 200);
      seen.push(...(page.json.items as { id: string }[]).map((d) => d.id));
      after = page.json.next as string | null;
      pages++;
    } while (after && pages < 10);
    assert.deepEqual(seen, [...ids].sort());
    assert.equal(pages, 3);
  });

  it('rotates a secret and deletes a device; unknown devices are 404', async () => {
    const id = uid();
    const created = await api('POST', '/v1/devices', { id, tags: ['rot'] });
    const rotated = await api('POST', `/v1/devices/${id}/secret`);
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.json.secret, created.json.secret);
    assert.equal((await api('DELETE', `/v1/devices/${id}`)).status, 204);
    assert.equal((await api('GET', `/v1/devices/${id}`)).status, 404);
    assert.equal((await api('DELETE', `/v1/devices/${id}`)).status, 404);
    assert.equal((await api('POST', `/v1/devices/${id}/secret`)).status, 404);
    assert.equal((await api('PATCH', `/v1/devices/${id}`, { tags: [] })).status, 404);
  });

  it('closes the live connection of a device whose secret is rotated or that is deleted, on any edge', async () => {
    for (const [url, action] of [[on.edgeA, 'rotate'], [on.edgeB, 'delete']] as const) {
      const id = uid();
      await api('POST', '/v1/devices', { id });
      const device = await connect(url, { clientId: id });
      let closed = false;
      device.once('close', () => { closed = true; });
      const res = action === 'rotate' ? await api('POST', `/v1/devices/${id}/secret`) : await api('DELETE', `/v1/devices/${id}`);
      assert.ok(res.status === 200 || res.status === 204);
      await waitFor(() => closed, 10_000, `the connection closed after ${action}`);
    }
  });

  it('answers bad input with 400 and the field at fault', async () => {
    const badId = await api('POST', '/v1/devices', { id: 'has/slash' });
    assert.equal(badId.status, 400);
    assert.equal(badId.json.error?.field, 'id');
    const unknownField = await api('POST', '/v1/devices', { id: uid(), colour: 'red' });
    assert.equal(unknownField.status, 400);
    const tooMany = await api('POST', '/v1/devices', { id: uid(), tags: Array.from({ length: 33 }, (_, i) => `t${i}`) });
    assert.equal(tooMany.json.error?.field, 'tags');
    const both = await api('GET', '/v1/devices?user=a&tag=b');
    assert.equal(both.status, 400);
    const badLimit = await api('GET', '/v1/devices?limit=0');
    assert.equal(badLimit.json.error?.field, 'limit');
    const badJson = await api('POST', '/v1/devices', undefined, { raw: '{"id": ' });
    assert.equal(badJson.json.error?.code, 'invalid_json');
    assert.equal((await api('GET', '/v1/devices/has%2Fslash')).status, 400);
  });
});
