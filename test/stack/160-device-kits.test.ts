// stack: runs beside other stack tests, ~6 s alone (it stops none of the shared processes and counts nothing cluster-wide)
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parser as mqttParser, type IConnectPacket } from 'mqtt-packet';
import { API, api, waitFor } from './helpers.js';

// The device starter kits of examples/device, run as a device developer would run them, against
// the stack: each asks for an edge, is first sent to an edge that refuses it with CONNACK 3 (a fake
// one, standing for a full or draining edge), asks again, connects over TLS to a real edge with
// its id and secret and a persistent session, receives what is pushed and published to its device,
// user and tag topics, and after its connection is cut, asks again, reconnects and receives what
// was pushed meanwhile.

const root = fileURLToPath(new URL('../..', import.meta.url));
const caFile = process.env.RP_TLS_CERT_FILE ?? `${root}/.data/tls/edge.crt`;

interface KitEvent { event: string; [field: string]: unknown }

/** The fake edge: answers every CONNECT with CONNACK 3 (server unavailable), and keeps what it was sent. */
let refusingEdge: TcpServer;
const connectsSeen: IConnectPacket[] = [];
/** Stands in front of the API: the first assignment per device points at the refusing edge, the rest go to the API. */
let assigner: HttpServer;
const firstAssignment = new Set<string>();
let assignerUrl = '';

before(async () => {
  refusingEdge = createTcpServer((socket) => {
    const parser = mqttParser({ protocolVersion: 4 });
    parser.on('packet', (packet) => {
      if (packet.cmd !== 'connect') return;
      connectsSeen.push(packet as IConnectPacket);
      socket.end(Buffer.from([0x20, 0x02, 0x00, 0x03]));
    });
    socket.on('data', (chunk) => parser.parse(chunk));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => refusingEdge.listen(0, '127.0.0.1', r));
  const refusingPort = (refusingEdge.address() as { port: number }).port;
  assigner = createHttpServer((req, res) => {
    const device = new URL(req.url ?? '/', 'http://x').searchParams.get('device') ?? '';
    if (!firstAssignment.has(device)) {
      firstAssignment.add(device);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        edgeId: 'edge-refusing', addresses: { mqtt: `mqtt://127.0.0.1:${refusingPort}`, mqtts: null, ws: null }, reason: 'least_loaded',
      }));
      return;
    }
    fetch(`${API}${req.url}`).then(async (r) => { res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text()); },
      () => { res.writeHead(502).end(); });
  });
  await new Promise<void>((r) => assigner.listen(0, '127.0.0.1', r));
  assignerUrl = `http://127.0.0.1:${(assigner.address() as { port: number }).port}`;
});

const kits: ChildProcess[] = [];
after(() => {
  for (const k of kits) k.kill('SIGKILL');
  refusingEdge?.close();
  assigner?.close();
});

/** Runs a kit; its JSON lines are collected in `events`. */
function runKit(command: string, args: string[], env: Record<string, string>): { events: KitEvent[]; stderr: () => string; proc: ChildProcess } {
  const proc = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  kits.push(proc);
  const events: KitEvent[] = [];
  let buffered = '';
  let stderr = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines.filter((l) => l.trim().length > 0)) events.push(JSON.parse(line) as KitEvent);
  });
  proc.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  return { events, stderr: () => stderr, proc };
}

const KITS = [
  { name: 'JavaScript (mqtt.js)', command: process.execPath, args: ['examples/device/js/device.mjs'] },
  { name: 'Python (paho-mqtt)', command: 'python3', args: ['examples/device/python/device.py'] },
];

describe('the device starter kits', () => {
  it('have paho-mqtt to run with (npm test installs it)', () => {
    const probe = spawnSync('python3', ['-c', 'import paho.mqtt; print(paho.mqtt.__version__)'], { encoding: 'utf8' });
    assert.equal(probe.status, 0, `python3 cannot import paho.mqtt: ${probe.stderr}`);
  });

  for (const kit of KITS) {
    it(`${kit.name}: moves past a refusing edge, connects over TLS, receives on every topic, and comes back after a drop`, async () => {
      const user = `kit-user-${randomUUID().slice(0, 6)}`;
      const tag = `kit${randomUUID().slice(0, 6)}`;
      const id = `kit-${randomUUID().slice(0, 8)}`;
      const registered = await api('POST', '/v1/devices', { id, user, tags: [tag] });
      assert.equal(registered.status, 201);
      const secret = registered.json.secret as string;
      const { events, stderr } = runKit(kit.command, kit.args, {
        ROCKETPUSH_API: assignerUrl, DEVICE_ID: id, DEVICE_SECRET: secret, DEVICE_USER: user, DEVICE_TAGS: tag, TLS_CA_FILE: caFile,
      });
      const seen = (event: string) => events.filter((e) => e.event === event);
      const describeKit = () => `${JSON.stringify(events)} ${stderr()}`;

      await waitFor(() => seen('subscribed').length >= 1, 30_000, () => `the kit subscribed: ${describeKit()}`);
      const refused = connectsSeen.find((c) => c.clientId === id);
      assert.ok(refused, 'the kit went to the refusing edge first');
      assert.equal(refused.clean, false, 'a persistent session');
      assert.equal(refused.password?.toString(), secret, 'the device secret as the password');
      assert.ok(seen('backoff').length >= 1, 'it waited before asking again');
      const connected = seen('connected')[0]!;
      assert.match(String(connected.url), /^mqtts:\/\/127\.0\.0\.1:/, 'over TLS');
      assert.ok(['edge-1', 'edge-2'].includes(String(connected.edge)));
      assert.deepEqual((seen('subscribed')[0]!.topics as { topic: string }[]).map((t) => t.topic).sort(), [`devices/${id}`, `tags/${tag}`, `users/${user}`]);

      const pushed = await api('POST', '/v1/pushes', { target: { devices: [id] }, payload: { n: 1 }, envelope: true });
      assert.equal(pushed.status, 202);
      assert.equal((await api('POST', '/v1/publish', { topic: `users/${user}`, payload: 'to the user' })).status, 202);
      assert.equal((await api('POST', '/v1/publish', { topic: `tags/${tag}`, payload: 'to the tag' })).status, 202);
      await waitFor(() => seen('message').length >= 3, 20_000, () => `three messages: ${describeKit()}`);
      const messages = seen('message');
      assert.equal(messages.find((m) => m.topic === `devices/${id}`)?.pushId, pushed.json.id, 'the envelope\'s push id');
      assert.equal(messages.find((m) => m.topic === `users/${user}`)?.payload, 'to the user');
      assert.equal(messages.find((m) => m.topic === `tags/${tag}`)?.payload, 'to the tag');

      // The connection is cut (as a drain or a network change would); a push sent meanwhile waits
      // in the persistent session.
      assert.equal((await api('DELETE', `/v1/clients/${id}`)).status, 202);
      await waitFor(() => seen('disconnected').length >= 1, 15_000, () => `the drop: ${describeKit()}`);
      const meanwhile = await api('POST', '/v1/pushes', { target: { devices: [id] }, payload: 'while away', format: 'text', qos: 1 });
      assert.equal(meanwhile.status, 202);
      await waitFor(() => seen('connected').length >= 2, 30_000, () => `the reconnect: ${describeKit()}`);
      assert.equal(seen('connected')[1]!.sessionPresent, true, 'the session was kept');
      await waitFor(() => seen('message').some((m) => m.payload === 'while away'), 20_000, () => `the push sent while away: ${describeKit()}`);
      assert.equal(seen('message').filter((m) => m.payload === 'while away').length, 1);
    });
  }
});
