import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { connect } from '../support/devices.js';
import { InProcessCluster } from '../support/in-process-cluster.js';

// Moved from the stack (test/stack/157-dashboard): runs on the in-process cluster (memory stores and bus).
let cluster: InProcessCluster;
let EDGE_B = '';
const postJson = (path: string, body: unknown, raw?: string) => cluster.api('POST', path, body, raw !== undefined ? { raw } : {});
const register = (prefix: string) => cluster.register(prefix);

const root = fileURLToPath(new URL('../..', import.meta.url));
/** Where the test keeps what it saw: RP_TEST_OUTPUT_DIR, default .data/test-output. */
const outputDir = process.env.RP_TEST_OUTPUT_DIR ?? `${process.env.RP_DATA_DIR ?? `${root}/.data`}/test-output`;

let browser: Browser;
let page: Page;

before(async () => {
  cluster = await InProcessCluster.start();
  EDGE_B = cluster.edgeUrl(1);
  // Debian's Chromium; the flags keep it from reaching for Google's hosts on this closed network.
  browser = await chromium.launch({
    executablePath: process.env.RP_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1500, height: 1100 } });
});

after(async () => {
  await browser?.close();
  await cluster.stop();
});

const connectionsOf = async (edgeId: string) => Number(await page.locator(`#edges tr[data-edge-id="${edgeId}"] [data-field="connections"]`).textContent());

describe('the dashboard in a real browser', () => {
  it('shows nothing without a valid API key', async () => {
    await page.goto(`${cluster.apiBase}/dashboard`);
    assert.equal(await page.isVisible('#login'), true);
    assert.equal(await page.isVisible('#main'), false);
    await page.fill('#key', 'not-a-key');
    await page.click('#login button[type=submit]');
    await page.waitForFunction(() => document.getElementById('login-error')?.textContent !== '');
    assert.equal(await page.isVisible('#main'), false);
    assert.match(await page.textContent('#login-error') ?? '', /key/i);
  });

  it('shows the edges live, counts a device that connects, and lists a push with its status', async () => {
    await page.fill('#key', cluster.key);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#edges tr[data-edge-id="edge-1"]');
    await page.waitForSelector('#edges tr[data-edge-id="edge-2"]');
    assert.equal(await page.textContent('#edges tr[data-edge-id="edge-1"] [data-field="state"]'), 'ready');

    const before = await connectionsOf('edge-2');
    const deviceId = await register('dash');
    const device = await connect(EDGE_B, { clientId: deviceId });
    await device.subscribeAsync(`devices/${deviceId}`, { qos: 1 });
    for (let i = 0; i < 2; i++) await connect(EDGE_B);
    await page.waitForFunction(({ n }) => Number(document.querySelector('#edges tr[data-edge-id="edge-2"] [data-field="connections"]')?.textContent) >= n,
      { n: before + 3 }, { timeout: 15_000 });

    const push = await postJson('/v1/pushes', { target: { devices: [deviceId] }, payload: { title: 'hello from the dashboard test' }, qos: 1 });
    assert.equal(push.status, 202, JSON.stringify(push.json));
    const pushId = push.json.id!;
    const row = `#pushes tr[data-push-id="${pushId}"]`;
    await page.waitForSelector(row, { timeout: 10_000 });
    await page.waitForFunction((sel) => document.querySelector(`${sel} [data-field="acknowledged"]`)?.textContent === '1', row, { timeout: 15_000 });
    assert.equal(await page.textContent(`${row} [data-field="state"]`), 'accepted');

    // Look-ups: where the device is and what it subscribes to; the push's trail per device.
    await page.fill('#client-id', deviceId);
    await page.click('#client-form button');
    await page.waitForSelector('#client-result [data-field="edge"]');
    assert.equal(await page.textContent('#client-result [data-field="edge"]'), 'edge-2');
    assert.equal(await page.textContent('#client-result [data-field="subscriptions"]'), `devices/${deviceId} (QoS 1)`);
    await page.fill('#push-id', pushId);
    await page.click('#push-form button');
    await page.waitForSelector(`#push-result tr[data-device-id="${deviceId}"]`);
    assert.equal(await page.textContent(`#push-result tr[data-device-id="${deviceId}"] [data-field="state"]`), 'acked');

    // The autoscaler panel says what the autoscaler did last, or that none runs.
    assert.match(await page.textContent('#autoscaler') ?? '', /autoscaler|desired edges/);
    // The charts have drawn lines for both edges.
    assert.ok(await page.locator('#chart-connections canvas').count() >= 1);
    await page.waitForTimeout(2500);
    mkdirSync(outputDir, { recursive: true });
    await page.screenshot({ path: `${outputDir}/dashboard.png`, fullPage: true });
  });
});
