import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('configuration from the environment', () => {
  it('has working defaults for everything', () => {
    const c = loadConfig({});
    assert.equal(c.rocketmq.endpoints, '127.0.0.1:8081');
    assert.equal(c.redisUrl, 'redis://127.0.0.1:6390');
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

  it('names the variable that is wrong', () => {
    assert.throws(() => loadConfig({ MQTT_PORT: 'abc' }), (e: unknown) => e instanceof ConfigError && /MQTT_PORT/.test(e.message));
    assert.throws(() => loadConfig({ EDGE_ID: 'has space' }), /EDGE_ID/);
    assert.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL/);
    assert.throws(() => loadConfig({ ROCKETMQ_REQUEST_TIMEOUT_MS: '10' }), /ROCKETMQ_REQUEST_TIMEOUT_MS/);
  });
});
