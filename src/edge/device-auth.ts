import { createHash } from 'node:crypto';
import type { Client } from 'aedes';
import type { Device, DeviceRegistry } from '../cluster/device-registry.js';
import type { Logger } from '../log.js';
import { insideRoots, publishFilters, subscribeRoots } from '../topics.js';
import { matchesFilter } from './topic-filter.js';

type AuthError = Error & { returnCode: number };

export interface DeviceAuthStats {
  authRefused: number;
  subscribeDenied: number;
  publishDenied: number;
}

function refusal(returnCode: 4 | 5, message: string): AuthError {
  const e = new Error(message) as AuthError;
  e.returnCode = returnCode;
  return e;
}

/**
 * Device credentials and topic rights at the edge (MQTT_AUTH=devices). CONNECT carries the device
 * id as client id and the device secret as password. Verified credentials are cached for
 * `cacheMs` (a revoke message from the API drops the entry at once), so a reconnect storm does not
 * become a Redis storm.
 */
export class DeviceAuth {
  private readonly cache = new Map<string, { digest: string; device: Device; until: number }>();
  private readonly devices = new WeakMap<Client, Device>();
  readonly stats: DeviceAuthStats = { authRefused: 0, subscribeDenied: 0, publishDenied: 0 };

  constructor(private readonly deps: { registry: DeviceRegistry; cacheMs: number; publishTopics: string[]; log: Logger }) {}

  /** Resolves when the client presented a registered device's current secret; CONNACK 4 or 5 otherwise. */
  async check(client: Client, password: Buffer | undefined): Promise<void> {
    if (!password || password.length === 0) {
      this.stats.authRefused++;
      this.deps.log.warn('connect refused: no device secret', { clientId: client.id });
      throw refusal(5, 'not authorized: a device secret is required as the password');
    }
    const secret = password.toString('utf8');
    const digest = createHash('sha256').update(secret).digest('hex');
    const cached = this.cache.get(client.id);
    let device = cached && cached.digest === digest && cached.until > Date.now() ? cached.device : null;
    if (!device) {
      device = await this.deps.registry.verify(client.id, secret);
      if (!device) {
        this.stats.authRefused++;
        this.deps.log.warn('connect refused: unknown device or wrong secret', { clientId: client.id });
        throw refusal(4, 'bad user name or password');
      }
      this.cache.set(client.id, { digest, device, until: Date.now() + this.deps.cacheMs });
    }
    this.devices.set(client, device);
  }

  /** The API revoked the device's credentials (deleted, new secret). */
  forget(clientId: string): void {
    this.cache.delete(clientId);
  }

  maySubscribe(client: Client, filter: string): boolean {
    const ok = this.allows(client, filter);
    if (!ok) {
      this.stats.subscribeDenied++;
      this.deps.log.warn('subscription denied', { clientId: client.id, filter });
    }
    return ok;
  }

  mayPublish(client: Client, topic: string): boolean {
    const device = this.devices.get(client);
    const ok = !!device && publishFilters(this.deps.publishTopics, device).some((f) => matchesFilter(f, topic));
    if (!ok) {
      this.stats.publishDenied++;
      this.deps.log.warn('publish denied and dropped', { clientId: client.id, topic });
    }
    return ok;
  }

  /** Same verdict as maySubscribe, without counting (for subscriptions aedes stores). */
  allows(client: Client, filter: string): boolean {
    const device = this.devices.get(client);
    return !!device && insideRoots(filter, subscribeRoots(device));
  }
}
