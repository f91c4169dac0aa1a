import { BadRequestException } from 'rocketmq-client-nodejs';
import type { Logger } from '../log.js';
import { enableProxyFailover } from './proxy-endpoints.js';
import { withTimeout } from '../timing.js';

/**
 * The RocketMQ client logs printf-style arguments; route them into winston so that its lines are
 * JSON too. Its info level is chatty (routes, heartbeats), so it becomes debug here.
 */
export function rocketmqClientLogger(log: Logger) {
  const line = (args: unknown[]) => {
    const [first, ...rest] = args;
    let i = 0;
    const text = typeof first === 'string' ? first.replace(/%[sdj]/g, () => String(rest[i++])) : String(first);
    return [text, ...rest.slice(i).map(String)].join(' ');
  };
  // The client calls debug() on every send, receive and ack: formatting a line nobody keeps cost
  // 3 % of a delivering edge's CPU (profile of session 17), so it is formatted only when kept.
  const debug = (args: unknown[]) => { if (log.isDebugEnabled()) log.debug(line(args), { component: 'rocketmq-client' }); };
  return {
    info: (...args: unknown[]) => debug(args),
    debug: (...args: unknown[]) => debug(args),
    warn: (...args: unknown[]) => log.warn(line(args), { component: 'rocketmq-client' }),
    error: (...args: unknown[]) => log.error(line(args), { component: 'rocketmq-client' }),
  };
}

interface SettingsNudge {
  settingsCommand(): unknown;
  telemetry(endpoints: unknown, command: unknown): void;
  getTotalRouteEndpoints(): unknown[];
}

/**
 * Starts a RocketMQ client. rocketmq-client-nodejs 1.0.8 waits for the server's first settings
 * reply with no timeout, and misses that reply when it arrives while the routes of a second topic
 * are still being fetched; the client then never starts. Re-sending the settings command until
 * the reply is seen gets past that race; the overall timeout turns any other hang into an error.
 * Every client starts here, so this is also where a list of proxies is made to work.
 */
export async function startClient(client: { startup(): Promise<void> }, timeoutMs: number, what: string): Promise<void> {
  enableProxyFailover();
  const starting = client.startup();
  const nudger = setInterval(() => {
    const c = client as unknown as SettingsNudge;
    try {
      const command = c.settingsCommand();
      for (const endpoints of c.getTotalRouteEndpoints()) c.telemetry(endpoints, command);
    } catch {
      // Routes not known yet: the next tick tries again.
    }
  }, 1000);
  try {
    await withTimeout(starting, timeoutMs, what);
  } catch (err) {
    // An unreachable or wrong proxy list is named, so the operator sees which addresses failed.
    const proxies = (client as { endpoints?: { facade?: string } }).endpoints?.facade ?? 'unknown';
    throw new Error(`${what} failed against the RocketMQ proxies ${proxies} (ROCKETMQ_ENDPOINTS): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  } finally {
    clearInterval(nudger);
  }
}

/** rocketmq.v2.Code of a message whose properties do not fit its topic's type. */
const MESSAGE_PROPERTY_CONFLICT_WITH_TYPE = 40014;

/** The proxy refused the request itself (a bad request): sending it again as it is cannot help. */
export function isBadRequest(err: unknown): boolean {
  return err instanceof BadRequestException;
}

/**
 * The proxy takes the topic's type for another one. For some seconds after a broker restart it
 * takes every topic for UNSPECIFIED: the message is fine, the proxy's metadata is not back.
 */
export function isTopicTypeConflict(err: unknown): boolean {
  return err instanceof BadRequestException && err.code === MESSAGE_PROPERTY_CONFLICT_WITH_TYPE;
}
