import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { InProcessCluster } from '../support/in-process-cluster.js';

let cluster: InProcessCluster;
let browser: Browser;

before(async () => {
  cluster = await InProcessCluster.start({ edges: 1 });
  browser = await chromium.launch({
    executablePath: process.env.RP_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  await cluster.stop();
});

describe('the API reference page (/docs)', () => {
  it('renders every operation of the served OpenAPI document, by tag, with its example', async () => {
    const doc = await (await fetch(`${cluster.apiBase}/v1/openapi.json`)).json() as { paths: Record<string, Record<string, { operationId: string }>> };
    const operationIds = Object.values(doc.paths).flatMap((methods) => Object.values(methods).map((op) => op.operationId));
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(r.url()));
    await page.goto(`${cluster.apiBase}/docs/`);
    await page.waitForSelector('.opblock-tag-section');
    const shown = await page.$$eval('.opblock .opblock-summary-operation-id', (els) => els.map((e) => e.textContent?.trim() ?? ''));
    assert.deepEqual([...shown].sort(), [...operationIds].sort(), 'one entry per operation, named by its operationId');
    const tags = await page.$$eval('.opblock-tag', (els) => els.map((e) => e.getAttribute('data-tag')));
    assert.ok(tags.includes('pushes') && tags.includes('api-keys'), JSON.stringify(tags));
    // Opening createPush shows its example body.
    await page.click('#operations-pushes-createPush .opblock-summary');
    await page.waitForSelector('#operations-pushes-createPush .body-param__example, #operations-pushes-createPush .microlight');
    const text = await page.textContent('#operations-pushes-createPush');
    assert.match(text ?? '', /order-4711/, 'the example of the request body');
    assert.deepEqual(failed, [], 'every asset of the page loaded from the API itself');
    await page.close();
  });
});
