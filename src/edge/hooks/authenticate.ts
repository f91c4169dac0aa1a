import type { AuthenticateHandler } from '../aedes-adapter.js';
import type { DeviceAuth } from '../device-auth.js';
import type { SessionGuard } from '../session-guard.js';
import type { EmptyClientIdCheck } from './empty-client-id.js';

/**
 * aedes' authenticate: CONNACK 2 for an empty id with clean session 0, then the device's
 * credentials (when MQTT_AUTH=devices), then the session guard (one session per client id).
 */
export function authenticateHook(deps: { emptyIds: EmptyClientIdCheck; deviceAuth: DeviceAuth | null; guard: SessionGuard }): AuthenticateHandler {
  const { emptyIds, deviceAuth, guard } = deps;
  return (client, username, password, done) => {
    if (emptyIds.refused(client)) {
      return done(Object.assign(new Error('a zero-length client id needs clean session'), { returnCode: 2 as const }), false);
    }
    if (!deviceAuth) return guard.authenticate(client, username, password, done);
    deviceAuth.check(client, password).then(() => guard.authenticate(client, username, password, done),
      (err: Error & { returnCode: number }) => done(err, false));
  };
}
