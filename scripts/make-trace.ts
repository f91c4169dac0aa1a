// Writes the load trace the autoscaling simulator replays (docs/autoscaling/trace.csv): a seeded,
// week-long diurnal pattern with noise and spikes (src/autoscaler/sim/trace.ts). Same seed, same file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { generateTrace, traceToCsv } from '../src/autoscaler/sim/trace.js';

const seed = Number(process.env.TRACE_SEED ?? 20261126);
const out = new URL('../docs/autoscaling/trace.csv', import.meta.url);
mkdirSync(new URL('.', out), { recursive: true });
writeFileSync(out, traceToCsv(generateTrace(seed)));
console.log(`wrote ${out.pathname} (seed ${seed})`);
