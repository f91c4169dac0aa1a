import type { AuthorizeSubscribeHandler } from '../aedes-adapter.js';
import type { DeviceAuth } from '../device-auth.js';

/** aedes' authorizeSubscribe: a filter the device may not use gets 0x80 in SUBACK. */
export function authorizeSubscribeHook(deviceAuth: DeviceAuth | null): AuthorizeSubscribeHandler {
  return (client, sub, done) => done(null, !deviceAuth || deviceAuth.maySubscribe(client, sub.topic) ? sub : null);
}
