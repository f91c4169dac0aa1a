// A rocketpush device in JavaScript (mqtt.js): the flow every device follows.
//
//   1. Ask the API which edge to use: GET /v1/edges/assign?device=<id> (no API key needed).
//   2. Connect there over TLS, client id = device id, password = device secret, persistent session
//      (clean: false), so that pushes sent while the device is away wait for it.
//   3. Subscribe to its topics once per session: devices/<id>, users/<user>, tags/<tag>.
//   4. When the edge refuses (CONNACK 3: full or draining) or the connection drops, wait a jittered,
//      growing backoff and go back to 1: the edge may be gone, the API knows where to go now.
//
// Configuration (environment): ROCKETPUSH_API (default http://127.0.0.1:3000), DEVICE_ID,
// DEVICE_SECRET, DEVICE_USER, DEVICE_TAGS (comma-separated), TLS_CA_FILE (a CA to trust besides the
// system's, e.g. the development stack's .data/tls/edge.crt). It prints one JSON line per event.
import { readFileSync } from 'node:fs';
import mqtt from 'mqtt';

const env = process.env;
const api = (env.ROCKETPUSH_API ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
const id = env.DEVICE_ID;
const secret = env.DEVICE_SECRET;
if (!id || !secret) {
  console.error('DEVICE_ID and DEVICE_SECRET are required (POST /v1/devices answers the secret once)');
  process.exit(2);
}
const ca = env.TLS_CA_FILE ? readFileSync(env.TLS_CA_FILE) : undefined;
const topics = [
  `devices/${id}`,
  ...(env.DEVICE_USER ? [`users/${env.DEVICE_USER}`] : []),
  ...(env.DEVICE_TAGS ?? '').split(',').map((t) => t.trim()).filter(Boolean).map((t) => `tags/${t}`),
];

const say = (event, fields = {}) => console.log(JSON.stringify({ event, at: new Date().toISOString(), ...fields }));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Full jitter: a random wait up to a cap that doubles per failure, so a fleet does not return at once. */
function backoffMs(failures) {
  return Math.random() * Math.min(60_000, 500 * 2 ** Math.min(failures, 10));
}

/** Push ids seen lately: a push sent with "envelope": true is delivered at least once; drop repeats. */
const seen = new Set();
function firstTime(pushId) {
  if (seen.has(pushId)) return false;
  seen.add(pushId);
  if (seen.size > 1000) seen.delete(seen.values().next().value);
  return true;
}

async function assign() {
  const res = await fetch(`${api}/v1/edges/assign?device=${encodeURIComponent(id)}`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`assignment answered ${res.status}`);
  const { edgeId, addresses } = await res.json();
  // TLS when the edge offers it; plain MQTT only as the edge's last offer.
  return { edgeId, url: addresses.mqtts ?? addresses.mqtt };
}

/** One connection: resolves when it ends, with why. */
function connectOnce(edge) {
  return new Promise((resolve) => {
    const client = mqtt.connect(edge.url, {
      clientId: id, username: id, password: secret, clean: false, protocolVersion: 4,
      keepalive: 60, reconnectPeriod: 0, connectTimeout: 15_000, ...(ca ? { ca } : {}),
    });
    let connected = false;
    client.on('connect', async (connack) => {
      connected = true;
      say('connected', { edge: edge.edgeId, url: edge.url, sessionPresent: connack.sessionPresent });
      // A persistent session keeps its subscriptions: subscribe only when the edge has none for us.
      if (!connack.sessionPresent) {
        try {
          const granted = await client.subscribeAsync(topics, { qos: 1 });
          say('subscribed', { topics: granted.map((g) => ({ topic: g.topic, qos: g.qos })) });
        } catch (err) {
          say('subscribe_failed', { error: String(err) });
          client.end(true);
        }
      }
    });
    client.on('message', (topic, payload, packet) => {
      const text = payload.toString('utf8');
      let pushId;
      try { pushId = JSON.parse(text).pushId; } catch { /* a raw payload */ }
      if (typeof pushId === 'string' && !firstTime(pushId)) return say('duplicate', { topic, pushId });
      say('message', { topic, payload: text, qos: packet.qos, ...(pushId ? { pushId } : {}) });
    });
    client.on('error', (err) => {
      // CONNACK return codes: 3 server unavailable (full or draining: go elsewhere), 4 and 5 bad
      // credentials (no retry helps).
      if (err.code === 4 || err.code === 5) { say('refused', { code: err.code, reason: err.message }); client.end(true); resolve('fatal'); return; }
      say('error', { code: err.code ?? null, reason: err.message });
    });
    client.on('close', () => {
      say(connected ? 'disconnected' : 'connect_failed', { edge: edge.edgeId });
      client.end(true);
      resolve(connected ? 'dropped' : 'refused');
    });
    current = client;
  });
}

// Stopping: a clean DISCONNECT, so the edge does not publish a will or wait for the keepalive.
let current = null;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => { if (current) current.end(false, {}, () => process.exit(0)); else process.exit(0); });
}

let failures = 0;
for (;;) {
  let outcome;
  try {
    const edge = await assign();
    const started = Date.now();
    outcome = await connectOnce(edge);
    // A connection that lived a while was a success: the next problem starts the backoff anew.
    if (outcome === 'dropped' && Date.now() - started > 30_000) failures = 0;
  } catch (err) {
    say('assign_failed', { reason: String(err) });
    outcome = 'refused';
  }
  if (outcome === 'fatal') process.exit(1);
  const wait = backoffMs(failures++);
  say('backoff', { ms: Math.round(wait) });
  await sleep(wait);
}
