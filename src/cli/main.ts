#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { RocketpushClient, RocketpushError, type PushRequest } from '../sdk/index.js';
import { UsageError } from '../errors.js';

const USAGE = `usage: rocketpush <command> [options]    (ROCKETPUSH_URL, ROCKETPUSH_API_KEY or --url, --api-key)

  push (--device ID ... | --user ALIAS | --tags EXPR | --topic TOPIC | --broadcast)
       (--json JSON | --text TEXT | --base64 DATA) [--qos 0|1|2] [--ttl SECONDS] [--idempotency-key KEY]
       [--collapse-key KEY] [--delay SECONDS | --at ISO-TIME]
  status PUSH-ID [--limit N] [--after DEVICE-ID]
  cancel PUSH-ID
  publish TOPIC TEXT [--qos 0|1|2] [--retain] [--ttl SECONDS]
  devices register ID [--user ALIAS] [--tag TAG ...]
  devices get ID | delete ID | rotate-secret ID
  devices update ID [--user ALIAS | --no-user] [--tag TAG ... | --no-tags]
  devices list [--user ALIAS | --tag TAG] [--limit N] [--after ID]
  edges [assign [DEVICE] | drain EDGE-ID | rebalance]
  autoscaler
  clients get ID | disconnect ID
  sessions get ID

Answers are printed as JSON; an API error goes to stderr as JSON and exits 1, bad usage exits 2.`;

function int(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a whole number`);
  return Number(v);
}

async function run(argv: string[]): Promise<unknown> {
  const { values: o, positionals: pos } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: {
      url: { type: 'string' }, 'api-key': { type: 'string' },
      device: { type: 'string', multiple: true }, user: { type: 'string' }, tags: { type: 'string' }, topic: { type: 'string' },
      broadcast: { type: 'boolean' }, json: { type: 'string' }, text: { type: 'string' }, base64: { type: 'string' },
      qos: { type: 'string' }, ttl: { type: 'string' }, retain: { type: 'boolean' }, 'idempotency-key': { type: 'string' },
      tag: { type: 'string', multiple: true }, 'no-user': { type: 'boolean' }, 'no-tags': { type: 'boolean' },
      limit: { type: 'string' }, after: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      'collapse-key': { type: 'string' }, delay: { type: 'string' }, at: { type: 'string' },
    },
  });
  if (o.help || pos.length === 0) throw new UsageError('');
  const apiKey = o['api-key'] ?? process.env.ROCKETPUSH_API_KEY;
  if (!apiKey) throw new UsageError('an API key is needed: --api-key or ROCKETPUSH_API_KEY');
  const client = new RocketpushClient({ baseUrl: o.url ?? process.env.ROCKETPUSH_URL ?? 'http://127.0.0.1:3000', apiKey });
  const qos = int(o.qos, 'qos') as 0 | 1 | 2 | undefined;
  const ttl = int(o.ttl, 'ttl');
  const [command, sub, id] = pos;

  if (command === 'push') {
    const targets = [o.device ? { devices: o.device } : null, o.user !== undefined ? { user: o.user } : null,
      o.tags !== undefined ? { tags: o.tags } : null, o.topic !== undefined ? { topic: o.topic } : null,
      o.broadcast ? { broadcast: true as const } : null].filter((t) => t !== null);
    if (targets.length !== 1) throw new UsageError('give exactly one target: --device, --user, --tags, --topic or --broadcast');
    const payloads = [o.json !== undefined ? 'json' : null, o.text !== undefined ? 'text' : null, o.base64 !== undefined ? 'base64' : null].filter((p) => p !== null);
    if (payloads.length !== 1) throw new UsageError('give exactly one payload: --json, --text or --base64');
    let payload: unknown = o.text ?? o.base64;
    if (o.json !== undefined) {
      try { payload = JSON.parse(o.json); } catch { throw new UsageError('--json is not valid JSON'); }
    }
    const delay = int(o.delay, 'delay');
    const req: PushRequest = {
      target: targets[0]!, payload, format: payloads[0] as 'json' | 'text' | 'base64', ...(qos !== undefined ? { qos } : {}), ...(ttl ? { ttl } : {}),
      ...(o['collapse-key'] !== undefined ? { collapseKey: o['collapse-key'] } : {}),
      ...(delay !== undefined ? { delay } : {}), ...(o.at !== undefined ? { deliverAt: o.at } : {}),
    };
    return client.push(req, o['idempotency-key']);
  }
  if (command === 'status' || command === 'cancel') {
    if (pos.length !== 2) throw new UsageError(`${command} PUSH-ID`);
    if (command === 'cancel') return client.cancel(pos[1]!);
    return client.status(pos[1]!, {
      ...(o.after !== undefined ? { after: o.after } : {}), ...(o.limit !== undefined ? { limit: int(o.limit, 'limit')! } : {}),
    });
  }
  if (command === 'publish') {
    if (pos.length !== 3) throw new UsageError('publish TOPIC TEXT');
    return client.publish({ topic: pos[1]!, payload: pos[2]!, ...(qos !== undefined ? { qos } : {}), ...(o.retain ? { retain: true } : {}), ...(ttl ? { ttl } : {}) });
  }
  if (command === 'autoscaler') {
    if (pos.length !== 1) throw new UsageError('autoscaler');
    return client.autoscaler();
  }
  if (command === 'edges') {
    if (pos.length === 1) return client.edges();
    if (sub === 'assign' && pos.length <= 3) return client.assign(pos[2]);
    if (sub === 'drain' && pos.length === 3) return client.drainEdge(pos[2]!);
    if (sub === 'rebalance' && pos.length === 2) return client.rebalance();
    throw new UsageError('edges [assign [DEVICE] | drain EDGE-ID | rebalance]');
  }
  if (command === 'clients' || command === 'sessions') {
    if (pos.length !== 3) throw new UsageError(`${command} ${command === 'clients' ? 'get|disconnect' : 'get'} ID`);
    if (command === 'sessions' && sub === 'get') return client.session(id!);
    if (command === 'clients' && sub === 'get') return client.clients.get(id!);
    if (command === 'clients' && sub === 'disconnect') return client.clients.disconnect(id!);
    throw new UsageError(`unknown ${command} command: ${sub ?? '(none)'}`);
  }
  if (command === 'devices') {
    const needId = () => { if (!id) throw new UsageError(`devices ${sub} ID`); return id; };
    switch (sub) {
      case 'register': return client.devices.register({ id: needId(), ...(o.user !== undefined ? { user: o.user } : {}), ...(o.tag ? { tags: o.tag } : {}) });
      case 'get': return client.devices.get(needId());
      case 'delete': await client.devices.remove(needId()); return { id, deleted: true };
      case 'rotate-secret': return client.devices.rotateSecret(needId());
      case 'update': return client.devices.update(needId(), {
        ...(o['no-user'] ? { user: null } : o.user !== undefined ? { user: o.user } : {}),
        ...(o['no-tags'] ? { tags: [] } : o.tag ? { tags: o.tag } : {}),
      });
      case 'list': return client.devices.list({
        ...(o.user !== undefined ? { user: o.user } : {}), ...(o.tag?.[0] !== undefined ? { tag: o.tag[0] } : {}),
        ...(o.after !== undefined ? { after: o.after } : {}), ...(o.limit !== undefined ? { limit: int(o.limit, 'limit')! } : {}),
      });
      default: throw new UsageError(`unknown devices command: ${sub ?? '(none)'}`);
    }
  }
  throw new UsageError(`unknown command: ${command}`);
}

run(process.argv.slice(2)).then((answer) => {
  process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
}, (err: unknown) => {
  if (err instanceof UsageError) {
    process.stderr.write(`${err.message ? `${err.message}\n\n` : ''}${USAGE}\n`);
    process.exit(2);
  }
  if (err instanceof RocketpushError) {
    process.stderr.write(`${JSON.stringify({ status: err.status, error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) } })}\n`);
    process.exit(1);
  }
  const e = err as Error & { code?: string };
  process.stderr.write(`${JSON.stringify({ error: { code: e.code ?? 'failed', message: e.message ?? String(err) } })}\n`);
  process.exit(e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' ? 2 : 1);
});
