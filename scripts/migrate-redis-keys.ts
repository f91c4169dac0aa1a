/**
 * npm run redis:migrate-keys: renames the Redis keys written by builds before 2026-12-02 to the
 * hash-tagged names of src/cluster/keys.ts (docs/architecture.md, "Redis keys"). Run it once, with
 * every edge and API process of the old build stopped, against the Redis of REDIS_URL /
 * REDIS_SENTINELS; keys that already exist under the new name are left as they are (reported).
 */
import { loadConfig } from '../src/config.js';
import { taggedName } from '../src/cluster/key-migration.js';
import { RedisKeys } from '../src/cluster/keys.js';
import { createRedis } from '../src/cluster/redis-connection.js';

const config = loadConfig();
const keys = new RedisKeys(config.keyPrefix);
const redis = createRedis(config.redis);
let moved = 0;
let kept = 0;
let cursor = '0';
do {
  const [next, found] = await redis.scan(cursor, 'MATCH', `${config.keyPrefix}*`, 'COUNT', 1000);
  cursor = next;
  for (const key of found) {
    const to = taggedName(key.slice(config.keyPrefix.length), keys);
    if (to === null) continue;
    if ((await redis.renamenx(key, to)) === 1) moved++;
    else { kept++; console.log(`left: ${key} (${to} exists)`); }
  }
} while (cursor !== '0');
console.log(`moved ${moved} keys to their hash-tagged names; ${kept} left because the new name exists`);
redis.disconnect();
