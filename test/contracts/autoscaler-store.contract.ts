import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AutoscalerStatus } from '../../src/autoscaler/autoscaler.js';
import { HISTORY_MINUTES, type AutoscalerStore } from '../../src/autoscaler/autoscaler-store.js';
import { subjects, type Subject } from './subject.js';

/** What every autoscaler store does; run against each implementation. */
export function autoscalerStoreContract(implementation: string, make: () => Promise<Subject<AutoscalerStore>>): void {
  describe(`an autoscaler store (${implementation})`, () => {
    const fresh = subjects(make);

    it('keeps the last week and a day of load minutes, oldest first', async () => {
      const store = await fresh();
      assert.deepEqual(await store.load(), []);
      for (let t = 0; t < HISTORY_MINUTES + 3; t++) await store.append({ t, connections: t, messagesPerSecond: 0.5 });
      const kept = await store.load();
      assert.equal(kept.length, HISTORY_MINUTES);
      assert.deepEqual([kept[0]!.t, kept.at(-1)!.t], [3, HISTORY_MINUTES + 2]);
    });

    it('hands back the last decision it was given', async () => {
      const store = await fresh();
      assert.equal(await store.status(), null);
      const status: AutoscalerStatus = {
        at: 1, driver: 'local', current: 2, desired: 3, reason: 'connections over target',
        forecast: { connections: 10, messagesPerSecond: 2 }, load: { connections: 8, messagesPerSecond: 1, eventLoopLagMs: 3 },
      };
      await store.publish(status);
      assert.deepEqual(await store.status(), status);
    });
  });
}
