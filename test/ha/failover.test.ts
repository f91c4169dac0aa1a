import { appendFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { clusterSettled } from '../stack/helpers.js';
import { FAILURES, quit, round } from './failover-round.js';

/**
 * The highly available topology loses one process at a time under traffic, and nothing that was
 * acknowledged is lost (npm run test:ha). RP_HA_ROUNDS rounds of each failure: 1 in `npm test`,
 * 10 in the full run whose figures are in docs/high-availability.md. RP_HA_FAILURES picks kinds.
 */
const ROUNDS = Number(process.env.RP_HA_ROUNDS ?? 1);
const KINDS = (process.env.RP_HA_FAILURES ?? Object.keys(FAILURES).join(',')).split(',').filter((k) => k in FAILURES);
const out = fileURLToPath(new URL('../../.data/test-output/', import.meta.url));
mkdirSync(out, { recursive: true });

after(quit);

describe('the highly available topology loses no acknowledged message when one process dies', () => {
  for (let r = 1; r <= ROUNDS; r++) {
    for (const kind of KINDS) {
      it(`${FAILURES[kind]!.kind} at a random point of QoS 1, QoS 2 and REST traffic (round ${r} of ${ROUNDS}): none lost, none twice at QoS 2`, async () => {
        await clusterSettled(180_000);
        let target = '';
        try {
          const result = await round(kind, (t) => { target = t; });
          appendFileSync(`${out}ha-rounds.jsonl`, `${JSON.stringify({ at: new Date().toISOString(), ...result })}\n`);
        } finally {
          // The next round starts from the whole topology, whatever this one did.
          if (target !== '') await FAILURES[kind]!.recover(target);
        }
      });
    }
  }
});
