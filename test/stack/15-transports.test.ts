// stack: runs beside other stack tests, ~2 s alone (it stops none of the shared processes and counts nothing cluster-wide)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { closeAll, connect, EDGE_A, record, uniqueTopic, waitFor } from './helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const wsPorts = (process.env.RP_EDGE_WS_PORTS ?? '8083,8084').split(',');
const tlsPorts = (process.env.RP_EDGE_TLS_PORTS ?? '8883,8884').split(',');
const ca = readFileSync(process.env.RP_TLS_CERT_FILE ?? `${root}/.data/tls/edge.crt`);

after(closeAll);

describe('devices connect over TCP, TLS and WebSocket', () => {
  it('carries a message from a WebSocket device on one edge to a TLS device on the other and to a TCP device', async () => {
    const topic = uniqueTopic('transports');
    const overTls = await connect(`mqtts://127.0.0.1:${tlsPorts[1]}`, { ca, servername: 'localhost' });
    const overTcp = await connect(EDGE_A);
    const gotTls = record(overTls);
    const gotTcp = record(overTcp);
    await overTls.subscribeAsync(topic, { qos: 1 });
    await overTcp.subscribeAsync(topic, { qos: 1 });
    const overWs = await connect(`ws://127.0.0.1:${wsPorts[0]}/mqtt`);
    await overWs.publishAsync(topic, 'over three transports', { qos: 1 });
    // 30 s: this file runs beside five others on two cores (CI once saw more than 10 s); the
    // message says which transport went without.
    await waitFor(() => gotTls.length >= 1 && gotTcp.length >= 1, 30_000,
      () => `delivery over TLS (${gotTls.length} received) and TCP (${gotTcp.length} received)`);
    assert.equal(gotTls[0]?.payload, 'over three transports');
    assert.equal(gotTcp[0]?.payload, 'over three transports');
  });

  it('refuses a TLS client that does not trust the certificate, and keeps serving others', async () => {
    const refused = await new Promise<string>((resolve) => {
      const s = tlsConnect({ host: '127.0.0.1', port: Number(tlsPorts[0]), rejectUnauthorized: true }, () => resolve('connected'));
      s.once('error', (err) => resolve(err.message));
    });
    assert.notEqual(refused, 'connected');
    const ok = await connect(`mqtts://127.0.0.1:${tlsPorts[0]}`, { ca, servername: 'localhost' });
    assert.equal(ok.connected, true);
  });
});
