import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { InProcessCluster } from '../support/in-process-cluster.js';

// Moved from the stack (test/stack/130-openapi-contract): runs on the in-process cluster (memory stores and bus).
let cluster: InProcessCluster;
after(async () => { await cluster.stop(); });
const api = (...args: Parameters<InProcessCluster['api']>) => cluster.api(...args);

interface Doc { openapi: string; components: { schemas: Record<string, object> }; paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>> }

let doc: Doc;
const ajv = new Ajv2020({ strict: false });
const compiled = new Map<object, ValidateFunction>();

before(async () => {
  cluster = await InProcessCluster.start();
  const res = await fetch(`${cluster.apiBase}/v1/openapi.json`);
  assert.equal(res.status, 200);
  doc = await res.json() as Doc;
});

/** Checks one real answer against the served document: its status is documented, its body fits. */
function conforms(method: string, path: string, reply: { status: number; json: unknown }): void {
  const template = Object.keys(doc.paths).find((p) => new RegExp(`^${p.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '[^/]+')}$`).test(path.split('?')[0]!));
  assert.ok(template, `${path} is in the document`);
  const op = doc.paths[template]![method.toLowerCase()];
  assert.ok(op, `${method} ${template} is in the document`);
  const response = op.responses[String(reply.status)];
  assert.ok(response, `${method} ${template} documents status ${reply.status}`);
  const schema = response.content?.['application/json']?.schema;
  if (!schema) return;
  let validate = compiled.get(schema);
  // The answer schemas refer to the document's components: compiled with them beside.
  if (!validate) { validate = ajv.compile({ ...schema, components: doc.components }); compiled.set(schema, validate); }
  assert.ok(validate(reply.json), `${method} ${path} ${reply.status}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(reply.json)}`);
}

async function call(method: string, path: string, body?: unknown, key?: null): Promise<void> {
  const reply = await api(method, path, body, key === null ? { key: null } : {});
  conforms(method, path, reply.status === 204 ? { status: 204, json: null } : reply);
}

describe('GET /v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document that every answer of the running API conforms to', async () => {
    assert.equal(doc.openapi, '3.1.0');
    const id = `oa-${randomUUID().slice(0, 8)}`;
    await call('POST', '/v1/publish', { topic: 'openapi/check', payload: 'x' });
    await call('POST', '/v1/publish', { topic: 'a/#', payload: 'x' });
    await call('POST', '/v1/devices', { id, user: 'oa-user', tags: ['oa'] });
    await call('POST', '/v1/devices', { id });
    await call('GET', '/v1/devices?user=oa-user&limit=5');
    await call('GET', '/v1/devices?limit=0');
    await call('GET', `/v1/devices/${id}`);
    await call('GET', '/v1/devices/not-there-at-all');
    await call('PATCH', `/v1/devices/${id}`, { tags: ['oa', 'more'] });
    await call('POST', `/v1/devices/${id}/secret`);
    const pushed = await api('POST', '/v1/pushes', { target: { devices: [id] }, payload: { a: 1 }, collapseKey: 'oa' });
    conforms('POST', '/v1/pushes', pushed);
    await call('GET', `/v1/pushes/${pushed.json.id}?limit=10`);
    await call('GET', `/v1/pushes/${pushed.json.id}?limit=x`);
    await call('GET', `/v1/pushes/${randomUUID()}`);
    await call('POST', '/v1/pushes', { target: { devices: [id] }, payload: 1, delay: 3600 });
    await call('POST', '/v1/pushes', { target: { devices: [id] }, payload: 1, delay: 10 * 24 * 3600 });
    await call('DELETE', `/v1/pushes/${pushed.json.id}`);
    await call('DELETE', `/v1/pushes/${randomUUID()}`);
    await call('POST', '/v1/pushes', { target: { devices: ['not-there-at-all'] }, payload: 1 });
    await call('POST', '/v1/pushes', { target: {}, payload: 1 });
    await call('POST', '/v1/pushes:batch', { pushes: [{ target: { broadcast: true }, payload: 'b', format: 'text' }, { target: {} }] });
    await call('DELETE', `/v1/devices/${id}`);
    await call('DELETE', `/v1/devices/${id}`);
    for (const [m, p] of [['POST', '/v1/publish'], ['GET', '/v1/devices'], ['POST', '/v1/pushes'], ['POST', '/v1/pushes:batch'], ['GET', `/v1/pushes/${randomUUID()}`]] as const) {
      await call(m, p, m === 'POST' ? {} : undefined, null);
    }
  });
});
