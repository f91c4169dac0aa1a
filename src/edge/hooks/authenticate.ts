import type { AuthenticateHandler } from '../aedes-adapter.js';
import type { DeviceAuth } from '../device-auth.js';
import type { SessionGuard } from '../session-guard.js';
import type { EmptyClientIdCheck } from './empty-client-id.js';
import type { Admission } from '../admission.js';

/**
 * aedes' authenticate: CONNACK 3 while the edge is full or draining (before any work for the
 * device), CONNACK 2 for an empty id with clean session 0, then the device's credentials (when
 * MQTT_AUTH=devices), then the session guard (one session per client id).
 */
export function authenticateHook(deps: { admission: Admission; emptyIds: EmptyClientIdCheck; deviceAuth: DeviceAuth | null; guard: SessionGuard }): AuthenticateHandler {
  const { admission, emptyIds, deviceAuth, guard } = deps;
  return (client, username, password, done) => {
    const refusal = admission.refusal();
    if (refusal) {
      return done(Object.assign(new Error(refusal === 'full' ? 'this edge is at its connection capacity' : 'this edge is draining'), { returnCode: 3 as const }), false);
    }
    if (emptyIds.refused(client)) {
      return done(Object.assign(new Error('a zero-length client id needs clean session'), { returnCode: 2 as const }), false);
    }
    if (!deviceAuth) return guard.authenticate(client, username, password, done);
    deviceAuth.check(client, password).then(() => guard.authenticate(client, username, password, done),
      (err: Error & { returnCode: number }) => done(err, false));
  };
}
