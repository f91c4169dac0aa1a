import { after, describe, it } from 'node:test';
import { clusterSettled } from './helpers.js';
import { cleanUp, round } from './rocketmq-kill-round.js';

/** Kills per run: a handful in CI; raise them to hunt for a rare loss (npm run test:kills). */
const KILLS = Number(process.env.RP_TEST_BROKER_KILLS ?? 2);

after(cleanUp);

describe('acknowledged messages of persistent sessions survive the RocketMQ broker being killed', () => {
  for (let k = 1; k <= KILLS; k++) {
    it(`broker SIGKILLed at a random point of QoS 1 and QoS 2 traffic (kill ${k} of ${KILLS}): none lost, none twice at QoS 2`, async () => {
      await clusterSettled();
      await round('broker');
    });
  }
});
