import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

describe('configuration from the environment', () => {
  it('has working defaults for everything', () => {
    const c = loadConfig({});
    assert.equal(c.rocketmq.endpoints, '127.0.0.1:8081');
    assert.equal(c.redis.url, 'redis://127.0.0.1:6390');
    assert.equal(c.redis.sentinels, undefined);
    assert.equal(c.edge.port, 1883);
    assert.equal(c.api.port, 3000);
    assert.match(c.edge.id, /^edge-.*-1883$/);
  });

  it('parses numbers and keeps explicit ids', () => {
    const c = loadConfig({ MQTT_PORT: '1999', EDGE_ID: 'edge-7', BATCH_LINGER_MS: '0', BATCH_LANES: '4' });
    assert.equal(c.edge.port, 1999);
    assert.equal(c.edge.id, 'edge-7');
    assert.equal(c.batch.lingerMs, 0);
    assert.equal(c.batch.lanes, 4);
  });

  it('gives assignment a reachable host, and derives how stale a load report may be from how often edges report', () => {
    assert.equal(loadConfig({}).edge.publicHost, '127.0.0.1', 'a wildcard bind address is no address for a device');
    assert.equal(loadConfig({ MQTT_HOST: '10.0.0.5' }).edge.publicHost, '10.0.0.5');
    assert.equal(loadConfig({ MQTT_HOST: '0.0.0.0', EDGE_PUBLIC_HOST: 'edge-3.example.com' }).edge.publicHost, 'edge-3.example.com');
    const c = loadConfig({ EDGE_LOAD_REPORT_MS: '500', EDGE_CAPACITY: '20000', EDGE_DRAIN_RATE: '50' });
    assert.equal(c.assign.staleAfterMs, 1500);
    assert.equal(c.edge.capacity, 20000);
    assert.deepEqual(c.edge.drain, { ratePerSecond: 50, timeoutMs: 30_000 });
    assert.throws(() => loadConfig({ EDGE_CAPACITY: '0' }), /EDGE_CAPACITY/);
  });

  it('names the variable that is wrong', () => {
    assert.throws(() => loadConfig({ MQTT_PORT: 'abc' }), (e: unknown) => e instanceof ConfigError && /MQTT_PORT/.test(e.message));
    assert.throws(() => loadConfig({ EDGE_ID: 'has space' }), /EDGE_ID/);
    assert.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL/);
    assert.throws(() => loadConfig({ ROCKETMQ_REQUEST_TIMEOUT_MS: '10' }), /ROCKETMQ_REQUEST_TIMEOUT_MS/);
  });

  it('reads secrets from <NAME>_FILE (a mounted secret), and refuses both forms at once or a file it cannot read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rp-config-'));
    writeFileSync(join(dir, 'keys'), 'ops:0123456789abcdef0123:*\n');
    writeFileSync(join(dir, 'hook'), 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n');
    const c = loadConfig({ API_KEYS_FILE: join(dir, 'keys'), WEBHOOK_URL: 'https://hooks.example.com/rp', WEBHOOK_SECRET_FILE: join(dir, 'hook') });
    assert.deepEqual(c.api.keys.map((k) => k.name), ['ops']);
    assert.equal(c.webhook?.secrets[0]?.text, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'the trailing newline is not part of the secret');
    assert.throws(() => loadConfig({ API_KEYS: 'a:0123456789abcdef0123:*', API_KEYS_FILE: join(dir, 'keys') }), /API_KEYS or API_KEYS_FILE/);
    assert.throws(() => loadConfig({ REDIS_URL_FILE: join(dir, 'missing') }), /REDIS_URL_FILE .* cannot be read \(ENOENT\)/);
  });

  it('takes several webhook secrets for rotation, and refuses a webhook without one', () => {
    const c = loadConfig({ WEBHOOK_URL: 'https://hooks.example.com/rp', WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw an-older-plain-secret' });
    assert.equal(c.webhook?.secrets.length, 2);
    assert.equal(c.webhook?.legacyHeaders, true, 'the X-Rocketpush-* headers are kept for one release');
    assert.equal(loadConfig({ WEBHOOK_URL: 'https://h.example.com', WEBHOOK_SECRET: 'an-older-plain-secret', WEBHOOK_LEGACY_HEADERS: '0' }).webhook?.legacyHeaders, false);
    assert.throws(() => loadConfig({ WEBHOOK_URL: 'https://hooks.example.com/rp' }), /WEBHOOK_URL needs WEBHOOK_SECRET/);
  });

  it('gives devices public addresses per listener, apart from the host the API reaches the edge at', () => {
    const c = loadConfig({ EDGE_PUBLIC_HOST: 'push.example.com', EDGE_PUBLIC_MQTT_PORT: '11883', EDGE_PUBLIC_TLS_PORT: '443', EDGE_INTERNAL_HOST: 'edge-1' });
    assert.deepEqual(c.edge.publicPorts, { mqtt: 11883, tls: 443 });
    assert.equal(c.edge.internalHost, 'edge-1');
    assert.equal(loadConfig({ EDGE_PUBLIC_HOST: 'push.example.com' }).edge.internalHost, 'push.example.com', 'the public host unless told otherwise');
  });
});
