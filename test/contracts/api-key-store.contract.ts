import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { ApiKeyStore, StoredApiKey } from '../../src/cluster/api-key-store.js';
import { subjects, type Subject } from './subject.js';

const id = () => randomBytes(8).toString('hex');
function key(over: Partial<StoredApiKey> = {}): StoredApiKey {
  return {
    id: id(), name: `k-${randomBytes(4).toString('hex')}`, digest: randomBytes(32).toString('hex'), scopes: ['push', 'devices.read'],
    ratePerSecond: null, createdAt: Date.now(), expiresAt: null, ...over,
  };
}

/** What every API key store does; run against each implementation (on real time). */
export function apiKeyStoreContract(implementation: string, make: () => Promise<Subject<ApiKeyStore>>): void {
  describe(`an API key store (${implementation})`, () => {
    const fresh = subjects(make);

    it('keeps a key as created, finds it by id, and lists it', async () => {
      const store = await fresh();
      const k = key({ ratePerSecond: 25, expiresAt: Date.now() + 3_600_000 });
      assert.equal(await store.create(k), 'created');
      assert.deepEqual(await store.get(k.id), k);
      assert.ok((await store.list()).some((l) => l.id === k.id && l.name === k.name));
      assert.equal(await store.get(id()), null, 'an unknown id');
    });

    it('keeps names unique among live keys, and frees a name when its key is revoked', async () => {
      const store = await fresh();
      const first = key();
      assert.equal(await store.create(first), 'created');
      assert.equal(await store.create(key({ name: first.name })), 'name_taken');
      assert.equal(await store.create(key({ id: first.id })), 'id_taken');
      assert.equal(await store.revoke(first.id), true);
      assert.equal(await store.revoke(first.id), false, 'revoked once');
      assert.equal(await store.get(first.id), null);
      assert.ok(!(await store.list()).some((l) => l.id === first.id));
      assert.equal(await store.create(key({ name: first.name })), 'created', 'the name is free again');
    });

    it('forgets an expired key, and frees its name', async () => {
      const store = await fresh();
      const k = key({ expiresAt: Date.now() + 300 });
      assert.equal(await store.create(k), 'created');
      assert.ok(await store.get(k.id));
      await new Promise((r) => setTimeout(r, 450));
      assert.equal(await store.get(k.id), null);
      assert.ok(!(await store.list()).some((l) => l.id === k.id));
      assert.equal(await store.create(key({ name: k.name })), 'created');
    });

    it('records the last use by name, and forgets it with the key', async () => {
      const store = await fresh();
      const k = key();
      await store.create(k);
      await store.touch(k.name, 1_700_000_000_000);
      await store.touch('a-configured-key', 1_700_000_000_500);
      const used = await store.lastUsed([k.name, 'a-configured-key', 'never-used']);
      assert.equal(used.get(k.name), 1_700_000_000_000);
      assert.equal(used.get('a-configured-key'), 1_700_000_000_500);
      assert.equal(used.has('never-used'), false);
      await store.revoke(k.id);
      assert.equal((await store.lastUsed([k.name])).has(k.name), false);
    });
  });
}
