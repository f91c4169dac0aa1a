import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Endpoints } from 'rocketmq-client-nodejs';
import { startClient } from '../../src/bus/client-support.js';
import { enableProxyFailover, parseProxyEndpoints } from '../../src/bus/proxy-endpoints.js';
import { parseSentinels } from '../../src/cluster/redis-connection.js';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

describe('a list of RocketMQ proxies', () => {
  it('accepts IP addresses separated by ; or , and normalises them to ;', () => {
    assert.deepEqual(parseProxyEndpoints('127.0.0.1:8081'), { ok: true, endpoints: '127.0.0.1:8081' });
    assert.deepEqual(parseProxyEndpoints(' 10.0.0.1:8081 ; 10.0.0.2:8081,10.0.0.3:8081 '), { ok: true, endpoints: '10.0.0.1:8081;10.0.0.2:8081;10.0.0.3:8081' });
  });

  it('accepts one host name (a name that resolves to every proxy), not several', () => {
    assert.deepEqual(parseProxyEndpoints('rocketmq-proxy.default.svc:8081'), { ok: true, endpoints: 'rocketmq-proxy.default.svc:8081' });
    const r = parseProxyEndpoints('proxy-a:8081;proxy-b:8081');
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.error : '', /host names/);
  });

  it('names the entry that is wrong', () => {
    for (const [raw, text] of [
      ['127.0.0.1', "'127.0.0.1' is not host:port"],
      ['127.0.0.1:8081;127.0.0.1:99999', 'port 99999 is out of range'],
      ['127.0.0.1:8081;;127.0.0.1:0', 'port 0 is out of range'],
      ['[::1]:8081', 'IPv6'],
      ['127.0.0.1:8081;127.0.0.1:8081', 'listed twice'],
      ['', 'no proxy address'],
    ] as const) {
      const r = parseProxyEndpoints(raw);
      assert.equal(r.ok, false, raw);
      assert.ok(!r.ok && r.error.includes(text), `${raw}: ${!r.ok ? r.error : ''}`);
    }
  });

  it('stops the process at start with the variable and the entry named', () => {
    assert.throws(() => loadConfig({ ROCKETMQ_ENDPOINTS: '127.0.0.1:8081;nonsense' }),
      (err: Error) => err instanceof ConfigError && /ROCKETMQ_ENDPOINTS/.test(err.message) && /'nonsense' is not host:port/.test(err.message));
  });

  it('hands gRPC an address list it can resolve and fail over in, leaving a single address as it was', () => {
    enableProxyFailover();
    enableProxyFailover(); // twice is once
    const list = new Endpoints('127.0.0.1:8081;127.0.0.1:8082') as unknown as { getGrpcTarget(): string };
    assert.equal(list.getGrpcTarget(), 'ipv4:127.0.0.1:8081,127.0.0.1:8082');
    const one = new Endpoints('127.0.0.1:8081') as unknown as { getGrpcTarget(): string };
    assert.equal(one.getGrpcTarget(), '127.0.0.1:8081');
    const name = new Endpoints('rocketmq-proxy:8081') as unknown as { getGrpcTarget(): string };
    assert.equal(name.getGrpcTarget(), 'rocketmq-proxy:8081');
  });
});

describe('Redis through Sentinel', () => {
  it('parses the sentinel list, and an empty one as none', () => {
    assert.deepEqual(parseSentinels(''), { ok: true, sentinels: [] });
    assert.deepEqual(parseSentinels('127.0.0.1:26390, 127.0.0.1:26391;sentinel-2:26379'), {
      ok: true, sentinels: [{ host: '127.0.0.1', port: 26390 }, { host: '127.0.0.1', port: 26391 }, { host: 'sentinel-2', port: 26379 }],
    });
    const bad = parseSentinels('127.0.0.1:26390,127.0.0.1');
    assert.ok(!bad.ok && bad.error.includes("'127.0.0.1' is not host:port"));
    assert.throws(() => loadConfig({ REDIS_SENTINELS: 'x:1:2' }), (err: Error) => /REDIS_SENTINELS/.test(err.message));
  });

  it('configures the master name and sentinels from the environment', () => {
    const c = loadConfig({ REDIS_SENTINELS: '127.0.0.1:26390,127.0.0.1:26391', REDIS_SENTINEL_NAME: 'mymaster' });
    assert.deepEqual(c.redis.sentinels, [{ host: '127.0.0.1', port: 26390 }, { host: '127.0.0.1', port: 26391 }]);
    assert.equal(c.redis.sentinelName, 'mymaster');
  });
});

describe('a RocketMQ client that cannot reach its proxies', () => {
  it('fails its start with the proxy list named, instead of hanging', async () => {
    const unreachable = { endpoints: { facade: '127.0.0.1:1,127.0.0.1:2' }, startup: () => new Promise<void>(() => undefined) };
    await assert.rejects(startClient(unreachable, 50, 'RocketMQ producer startup'),
      /RocketMQ producer startup failed against the RocketMQ proxies 127\.0\.0\.1:1,127\.0\.0\.1:2 \(ROCKETMQ_ENDPOINTS\): RocketMQ producer startup did not finish within 50 ms/);
  });
});
