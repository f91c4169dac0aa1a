import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { advertisedAddresses } from '../../src/edge/advertised-addresses.js';

describe('the addresses an edge advertises to devices', () => {
  const listeners = [{ kind: 'tcp' as const, port: 1883 }, { kind: 'tls' as const, port: 8883 }, { kind: 'ws' as const, port: 8083 }];

  it('are the public host with the listening ports when no public port is set', () => {
    assert.deepEqual(advertisedAddresses(listeners, { host: 'edge-1.example.com', ports: {} }), {
      mqtt: 'mqtt://edge-1.example.com:1883', mqtts: 'mqtts://edge-1.example.com:8883', ws: 'ws://edge-1.example.com:8083/mqtt',
    });
  });

  it('use the public port of each listener that has one (a port mapping, a load balancer)', () => {
    assert.deepEqual(advertisedAddresses(listeners, { host: 'localhost', ports: { mqtt: 1884, tls: 8884 } }), {
      mqtt: 'mqtt://localhost:1884', mqtts: 'mqtts://localhost:8884', ws: 'ws://localhost:8083/mqtt',
    });
  });

  it('leave out listeners the edge does not open', () => {
    assert.deepEqual(advertisedAddresses([{ kind: 'tcp', port: 1883 }], { host: 'h', ports: { tls: 443 } }), { mqtt: 'mqtt://h:1883', mqtts: null, ws: null });
  });
});
