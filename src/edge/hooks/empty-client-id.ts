import type { Client } from 'aedes';

/**
 * MQTT-3.1.3-8: a zero-length client id needs clean session 1 (aedes would make an id up). Seen in
 * preConnect, where the CONNECT packet is at hand; refused in authenticate with CONNACK 2.
 */
export class EmptyClientIdCheck {
  private readonly persistent = new WeakSet<object>();

  seen(client: Client, connect: { clientId?: string; clean?: boolean }): void {
    if (!connect.clientId && connect.clean === false) this.persistent.add(client);
  }

  refused(client: Client): boolean {
    return this.persistent.has(client);
  }
}
