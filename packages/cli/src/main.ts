#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { RocketpushClient, RocketpushError, type ApiKeyRequest, type PushRequest } from '@rocketpush/client';
import { COMMANDS, GENERAL } from './usage.js';

/** Bad usage: exit 2 with the command's usage (or all of it) on stderr. */
class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Asked for help or the version: printed on stdout, exit 0. */
class Info {
  constructor(readonly text: string) {}
}

const version = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

function int(v: string | undefined, name: string, command: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a whole number`, command);
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
      limit: { type: 'string' }, after: { type: 'string' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' },
      'collapse-key': { type: 'string' }, delay: { type: 'string' }, at: { type: 'string' },
      scope: { type: 'string', multiple: true }, rate: { type: 'string' },
    },
  });
  const [command, sub, id] = pos;
  if (o.version) throw new Info(version);
  if (o.help || command === 'help') {
    const about = command === 'help' ? sub : command;
    throw new Info(about !== undefined && COMMANDS[about] ? `usage: rocketpush ${COMMANDS[about]}` : GENERAL);
  }
  if (command === undefined) throw new UsageError('');
  if (!COMMANDS[command]) throw new UsageError(`unknown command: ${command}`);
  if (command === 'webhooks') {
    if (sub !== 'secret' || pos.length !== 2) throw new UsageError('webhooks secret', command);
    return { secret: `whsec_${randomBytes(32).toString('base64')}` };
  }

  const apiKey = o['api-key'] ?? process.env.ROCKETPUSH_API_KEY;
  if (!apiKey) throw new UsageError('an API key is needed: --api-key or ROCKETPUSH_API_KEY', command);
  const client = new RocketpushClient({ baseUrl: o.url ?? process.env.ROCKETPUSH_URL ?? 'http://127.0.0.1:3000', apiKey });
  const qos = int(o.qos, 'qos', command) as 0 | 1 | 2 | undefined;
  const ttl = int(o.ttl, 'ttl', command);
  const usage = (message: string) => new UsageError(message, command);

  switch (command) {
    case 'push': {
      const targets = [o.device ? { devices: o.device } : null, o.user !== undefined ? { user: o.user } : null,
        o.tags !== undefined ? { tags: o.tags } : null, o.topic !== undefined ? { topic: o.topic } : null,
        o.broadcast ? { broadcast: true as const } : null].filter((t) => t !== null);
      if (targets.length !== 1) throw usage('give exactly one target: --device, --user, --tags, --topic or --broadcast');
      const payloads = [o.json !== undefined ? 'json' : null, o.text !== undefined ? 'text' : null, o.base64 !== undefined ? 'base64' : null].filter((p) => p !== null);
      if (payloads.length !== 1) throw usage('give exactly one payload: --json, --text or --base64');
      let payload: unknown = o.text ?? o.base64;
      if (o.json !== undefined) {
        try { payload = JSON.parse(o.json); } catch { throw usage('--json is not valid JSON'); }
      }
      const delay = int(o.delay, 'delay', command);
      const req = {
        target: targets[0]!, payload, format: payloads[0] as 'json' | 'text' | 'base64', ...(qos !== undefined ? { qos } : {}), ...(ttl ? { ttl } : {}),
        ...(o['collapse-key'] !== undefined ? { collapseKey: o['collapse-key'] } : {}),
        ...(delay !== undefined ? { delay } : {}), ...(o.at !== undefined ? { deliverAt: o.at } : {}),
      } as PushRequest;
      return client.push(req, o['idempotency-key']);
    }
    case 'status':
    case 'cancel':
      if (pos.length !== 2) throw usage(`${command} PUSH-ID`);
      if (command === 'cancel') return client.cancel(pos[1]!);
      return client.status(pos[1]!, {
        ...(o.after !== undefined ? { after: o.after } : {}), ...(o.limit !== undefined ? { limit: int(o.limit, 'limit', command)! } : {}),
      });
    case 'publish':
      if (pos.length !== 3) throw usage('publish TOPIC TEXT');
      return client.publish({ topic: pos[1]!, payload: pos[2]!, ...(qos !== undefined ? { qos } : {}), ...(o.retain ? { retain: true } : {}), ...(ttl ? { ttl } : {}) } as never);
    case 'autoscaler':
      if (pos.length !== 1) throw usage('autoscaler takes no arguments');
      return client.autoscaler();
    case 'edges':
      if (pos.length === 1) return client.edges();
      if (sub === 'assign' && pos.length <= 3) return client.assign(pos[2]);
      if (sub === 'drain' && pos.length === 3) return client.drainEdge(pos[2]!);
      if (sub === 'rebalance' && pos.length === 2) return client.rebalance();
      throw usage(`unknown edges command: ${sub ?? '(none)'}`);
    case 'clients':
    case 'sessions':
      if (pos.length !== 3) throw usage(`${command} ${command === 'clients' ? 'get|disconnect' : 'get'} ID`);
      if (command === 'sessions' && sub === 'get') return client.session(id!);
      if (command === 'clients' && sub === 'get') return client.clients.get(id!);
      if (command === 'clients' && sub === 'disconnect') return client.clients.disconnect(id!);
      throw usage(`unknown ${command} command: ${sub ?? '(none)'}`);
    case 'devices': {
      const needId = () => { if (!id) throw usage(`devices ${sub} ID`); return id; };
      switch (sub) {
        case 'register': return client.devices.register({ id: needId(), ...(o.user !== undefined ? { user: o.user } : {}), ...(o.tag ? { tags: o.tag } : {}) } as never);
        case 'get': return client.devices.get(needId());
        case 'delete': await client.devices.remove(needId()); return { id, deleted: true };
        case 'rotate-secret': return client.devices.rotateSecret(needId());
        case 'update': return client.devices.update(needId(), {
          ...(o['no-user'] ? { user: null } : o.user !== undefined ? { user: o.user } : {}),
          ...(o['no-tags'] ? { tags: [] } : o.tag ? { tags: o.tag } : {}),
        });
        case 'list': return client.devices.list({
          ...(o.user !== undefined ? { user: o.user } : {}), ...(o.tag?.[0] !== undefined ? { tag: o.tag[0] } : {}),
          ...(o.after !== undefined ? { after: o.after } : {}), ...(o.limit !== undefined ? { limit: int(o.limit, 'limit', command)! } : {}),
        });
        default: throw usage(`unknown devices command: ${sub ?? '(none)'}`);
      }
    }
    case 'keys': {
      const needId = () => { if (!id || pos.length !== 3) throw usage(`keys ${sub} ID`); return id; };
      switch (sub) {
        case 'create': {
          if (!id || pos.length !== 3) throw usage('keys create NAME --scope SCOPE ...');
          if (!o.scope || o.scope.length === 0) throw usage('give at least one --scope');
          const rate = int(o.rate, 'rate', command);
          const req = {
            name: id, scopes: o.scope, ...(rate !== undefined ? { rate } : {}), ...(ttl !== undefined ? { ttl } : {}), ...(o.at !== undefined ? { expiresAt: o.at } : {}),
          } as ApiKeyRequest;
          return client.apiKeys.create(req);
        }
        case 'list': return client.apiKeys.list();
        case 'get': return client.apiKeys.get(needId());
        case 'revoke': await client.apiKeys.revoke(needId()); return { id, revoked: true };
        default: throw usage(`unknown keys command: ${sub ?? '(none)'}`);
      }
    }
    default:
      throw usage(`unknown command: ${command}`);
  }
}

run(process.argv.slice(2)).then((answer) => {
  process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
}, (err: unknown) => {
  if (err instanceof Info) {
    process.stdout.write(`${err.text}\n`);
    process.exit(0);
  }
  if (err instanceof UsageError) {
    const text = err.command && COMMANDS[err.command] ? `usage: rocketpush ${COMMANDS[err.command]}` : GENERAL;
    process.stderr.write(`${err.message ? `${err.message}\n\n` : ''}${text}\n`);
    process.exit(2);
  }
  if (err instanceof RocketpushError) {
    process.stderr.write(`${JSON.stringify({
      status: err.status,
      error: {
        code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}), ...(err.problems ? { problems: err.problems } : {}),
        ...(err.requestId ? { requestId: err.requestId } : {}),
      },
    })}\n`);
    process.exit(1);
  }
  const e = err as Error & { code?: string };
  const parseError = e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' || e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL';
  if (parseError) {
    process.stderr.write(`${e.message}\n\nrocketpush --help for usage\n`);
    process.exit(2);
  }
  process.stderr.write(`${JSON.stringify({ error: { code: e.code ?? 'failed', message: e.message ?? String(err) } })}\n`);
  process.exit(1);
});
