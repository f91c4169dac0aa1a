import { readFileSync } from 'node:fs';
import type { ChainableCommander, Redis } from 'ioredis';

/**
 * Every Lua script the stores run, by name: the file `src/cluster/lua/<name>.lua`. A name ending in
 * `-<n>` takes exactly n keys; one without takes as many as the caller passes (the index scripts,
 * whose keys depend on the data). Each file starts with what its KEYS and ARGV are.
 */
export const SCRIPT_NAMES = [
  'apikey-create-2', 'apikey-revoke-3',
  'device-register', 'device-update', 'device-remove', 'device-rotate-secret-1',
  'push-receipts-3', 'push-expire-4', 'push-cancel-3', 'push-collapse', 'push-mark-accepted-1',
  'rate-take-1',
  'retained-set-if-newer-2', 'retained-delete-if-same-2',
  'session-claim-4', 'session-release-2',
  'session-open-1', 'session-send-2', 'session-reserve-1', 'session-set-position-1',
] as const;

export type ScriptName = (typeof SCRIPT_NAMES)[number];
export type ScriptArg = string | number | Buffer;

/**
 * Beside the compiled module as in the sources: dist/cluster and src/cluster are at the same depth,
 * so both find the files in src/cluster/lua (the image copies that folder too).
 */
const LUA_DIR = new URL('../../src/cluster/lua/', import.meta.url);

/** The script's text, read once per process. */
const texts = new Map<ScriptName, string>();
export function scriptText(name: ScriptName): string {
  let text = texts.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`${name}.lua`, LUA_DIR), 'utf8');
    texts.set(name, text);
  }
  return text;
}

/** The fixed number of keys of a script, or undefined when the caller says per call. */
export function keyCount(name: ScriptName): number | undefined {
  const m = /-(\d+)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

function commandName(name: ScriptName): string {
  return `rp_${name.replace(/-\d+$/, '').replace(/-/g, '_')}`;
}

type ScriptCommand = (...args: ScriptArg[]) => Promise<unknown>;

/**
 * The one way the stores run Lua: each script is defined once per Redis client as an ioredis
 * command, so it goes by its SHA (EVALSHA; ioredis sends the text once when Redis does not know
 * it, after a restart or a failover, and loads it before a pipeline that uses it). Every key is
 * passed as KEYS, so that a script stays within the slots it names (Redis Cluster).
 */
export class RedisScripts {
  constructor(private readonly redis: Redis) {
    for (const name of SCRIPT_NAMES) {
      const cmd = commandName(name);
      if (cmd in redis) continue;
      const numberOfKeys = keyCount(name);
      redis.defineCommand(cmd, numberOfKeys === undefined ? { lua: scriptText(name) } : { numberOfKeys, lua: scriptText(name) });
    }
  }

  /** Runs a script and answers what it returns. */
  run(name: ScriptName, keys: readonly string[], args: readonly ScriptArg[] = []): Promise<unknown> {
    return (this.redis as unknown as Record<string, ScriptCommand>)[commandName(name)]!(...callArgs(name, keys, args));
  }

  /** Queues a script on a pipeline or MULTI of this client. */
  queue(on: ChainableCommander, name: ScriptName, keys: readonly string[], args: readonly ScriptArg[] = []): void {
    (on as unknown as Record<string, (...a: ScriptArg[]) => unknown>)[commandName(name)]!(...callArgs(name, keys, args));
  }
}

function callArgs(name: ScriptName, keys: readonly string[], args: readonly ScriptArg[]): ScriptArg[] {
  const fixed = keyCount(name);
  if (fixed === undefined) return [keys.length, ...keys, ...args];
  if (keys.length !== fixed) throw new Error(`script ${name} takes ${fixed} keys, not ${keys.length}`);
  return [...keys, ...args];
}
