import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { dashboard } from '../../src/api/dashboard/dashboard.js';

let base = '';
let close: () => void = () => undefined;

before(async () => {
  const app = express();
  app.use('/dashboard', dashboard());
  app.use((_req, res) => { res.status(404).send('not here'); });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});

after(() => close());

describe('the dashboard files', () => {
  it('serves the page, its script and style, and uPlot, each with its type and a strict content policy', async () => {
    const expected: Record<string, RegExp> = {
      '/dashboard': /text\/html/, '/dashboard/': /text\/html/, '/dashboard/dashboard.js': /text\/javascript/,
      '/dashboard/dashboard.css': /text\/css/, '/dashboard/vendor/uPlot.iife.min.js': /text\/javascript/, '/dashboard/vendor/uPlot.min.css': /text\/css/,
    };
    for (const [path, type] of Object.entries(expected)) {
      const res = await fetch(`${base}${path}`);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', type, path);
      assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/, path);
      assert.ok((await res.text()).length > 100, path);
    }
  });

  it('references only files it serves', async () => {
    const html = await (await fetch(`${base}/dashboard`)).text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(refs.length >= 4);
    for (const ref of refs) assert.equal((await fetch(`${base}${ref}`)).status, 200, ref);
  });

  it('serves nothing else from disk', async () => {
    for (const path of ['/dashboard/../package.json', '/dashboard/dashboard.ts', '/dashboard/%2e%2e/%2e%2e/package.json']) {
      assert.equal((await fetch(`${base}${path}`)).status, 404, path);
    }
  });
});
