import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { keyCount, RedisScripts, SCRIPT_NAMES, scriptText } from '../../src/cluster/redis-scripts.js';

describe('the Lua scripts of the stores', () => {
  it('are one file each in src/cluster/lua, every file listed and every listed name a file', () => {
    const files = readdirSync(new URL('../../src/cluster/lua/', import.meta.url)).filter((f) => f.endsWith('.lua')).map((f) => f.slice(0, -4)).sort();
    assert.deepEqual(files, [...SCRIPT_NAMES].sort());
  });

  it('each start with what their KEYS are, and name a fixed key count in their file name where they have one', () => {
    for (const name of SCRIPT_NAMES) {
      const text = scriptText(name);
      assert.match(text, /^-- /, `${name} starts with a comment`);
      assert.match(text, /KEYS/, `${name} says what its KEYS are`);
      const fixed = keyCount(name);
      if (fixed !== undefined) {
        const highest = Math.max(0, ...[...text.matchAll(/KEYS\[(\d+)\]/g)].map((m) => Number(m[1])));
        assert.equal(highest, fixed, `${name} uses KEYS[1..${fixed}]`);
      }
    }
  });

  it('are defined once per Redis client and refuse a call with the wrong number of keys', async () => {
    const defined: { name: string; numberOfKeys?: number }[] = [];
    const calls: unknown[][] = [];
    const client = {
      defineCommand(name: string, def: { numberOfKeys?: number }) {
        defined.push({ name, numberOfKeys: def.numberOfKeys });
        (client as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => { calls.push(args); return Promise.resolve(1); };
      },
    };
    const scripts = new RedisScripts(client as never);
    new RedisScripts(client as never);
    assert.equal(defined.length, SCRIPT_NAMES.length);
    assert.equal(defined.find((d) => d.name === 'rp_rate_take')?.numberOfKeys, 1);
    assert.equal(defined.find((d) => d.name === 'rp_device_register')?.numberOfKeys, undefined);
    await scripts.run('rate-take-1', ['k'], ['5', '5']);
    await scripts.run('device-register', ['a', 'b', 'c'], ['id']);
    assert.deepEqual(calls, [['k', '5', '5'], [3, 'a', 'b', 'c', 'id']]);
    assert.throws(() => scripts.run('session-claim-4', ['only-one'], []), /takes 4 keys, not 1/);
  });
});
