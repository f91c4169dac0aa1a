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

test('every operation has a unique operationId, a tag, and an example that its own schemas accept', () => {
  type Content = { schema: object; example?: unknown };
  const doc = openApiDocument() as {
    components: object; tags: { name: string }[];
    paths: Record<string, Record<string, { operationId: string; tags: string[]; requestBody?: { content: Record<string, Content> }; responses: Record<string, { content?: Record<string, Content> }> }>>;
  };
  const ajv = new Ajv2020({ strict: false });
  const ids = new Set<string>();
  const tags = new Set(doc.tags.map((t) => t.name));
  let examples = 0;
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const where = `${method.toUpperCase()} ${path}`;
      assert.match(op.operationId, /^[a-z][A-Za-z]+$/, where);
      assert.ok(!ids.has(op.operationId), `${op.operationId} is used once`);
      ids.add(op.operationId);
      assert.equal(op.tags.length, 1, where);
      assert.ok(tags.has(op.tags[0]!), `${where}: its tag is declared`);
      const body = op.requestBody?.content['application/json'];
      const success = Object.entries(op.responses).find(([status]) => Number(status) < 300)?.[1].content?.['application/json'];
      for (const [part, content] of [['request', body], ['answer', success]] as const) {
        if (!content) continue;
        assert.ok(content.example !== undefined, `${where}: an example ${part}`);
        const validate = ajv.compile({ ...content.schema, components: doc.components });
        assert.ok(validate(content.example), `${where}: the example ${part} fits its schema: ${ajv.errorsText(validate.errors)}`);
        examples++;
      }
    }
  }
  assert.equal(ids.size, operations.length);
  assert.ok(examples >= 25, `${examples} examples`);
});
