import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { createApp, type ApiDeps } from '../../src/api/app.js';
import { openApiDocument, operations } from '../../src/api/openapi.js';

interface Layer { route?: { path: string | RegExp; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } }

/** Every method and route the express app registered, nested routers included. */
function registered(stack: Layer[]): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) return Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${String(layer.route!.path)}`);
    return layer.handle?.stack ? registered(layer.handle.stack) : [];
  });
}

test('the OpenAPI document lists exactly the routes the API registers', () => {
  const noop = () => { throw new Error('not called'); };
  const app = createApp({
    publisher: {}, devices: {}, pushes: {}, idempotency: {}, gate: { keys: [], limit: noop }, revoke: noop,
    checkReady: noop, maxBodyBytes: 1, maxPayloadBytes: 1, log: { info: noop, warn: noop, error: noop },
  } as unknown as ApiDeps);
  const fromApp = registered((app as unknown as { router: { stack: Layer[] } }).router.stack).sort();
  const fromDocument = operations.map((op) => `${op.method.toUpperCase()} ${String(op.route)}`).sort();
  assert.deepEqual(fromApp, fromDocument);
});

test('the OpenAPI document is version 3.1 and its every schema compiles as JSON Schema 2020-12', () => {
  const doc = openApiDocument() as { openapi: string; components: object; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: object }> }; responses: Record<string, { content?: Record<string, { schema: object }> }> }>> };
  assert.equal(doc.openapi, '3.1.0');
  const ajv = new Ajv2020({ strict: false });
  let schemas = 0;
  for (const methods of Object.values(doc.paths)) {
    for (const op of Object.values(methods)) {
      const all = [op.requestBody?.content['application/json']?.schema, ...Object.values(op.responses).map((r) => r.content?.['application/json']?.schema)];
      for (const s of all) if (s) { ajv.compile({ ...s, components: doc.components }); schemas++; }
    }
  }
  assert.ok(schemas >= 15, `${schemas} schemas`);
});
