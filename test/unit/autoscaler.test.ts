import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { HoltWinters } from '../../src/autoscaler/holt-winters.js';
import { edgesFor, type ClusterLoad } from '../../src/autoscaler/load.js';
import { CombinedPolicy, PredictivePolicy, ReactivePolicy, type ScalingPolicy } from '../../src/autoscaler/policy.js';
import { simulate, type EdgeModel } from '../../src/autoscaler/sim/simulator.js';
import { generateTrace, MINUTE, traceFromCsv, traceToCsv } from '../../src/autoscaler/sim/trace.js';
import { runPolicies } from '../../src/autoscaler/sim/scenario.js';

const capacity = { connections: 1000, messagesPerSecond: 100 };
const bounds = { min: 1, max: 50 };
const load = (connections: number, messagesPerSecond = 0, eventLoopLagMs = 0): ClusterLoad => ({ connections, messagesPerSecond, eventLoopLagMs });

describe('Holt-Winters forecasting', () => {
  it('has no forecast before one season, then predicts the pattern of the next season', () => {
    const hw = new HoltWinters({ seasonLength: 24, alpha: 0.3, beta: 0.01, gamma: 0.3 });
    const pattern = (i: number) => 100 + 50 * Math.sin((2 * Math.PI * i) / 24);
    for (let i = 0; i < 23; i++) hw.observe(pattern(i));
    assert.equal(hw.forecast(1), null);
    for (let i = 23; i < 24 * 5; i++) hw.observe(pattern(i));
    for (let h = 1; h <= 24; h++) assert.ok(Math.abs(hw.forecast(h)! - pattern(24 * 5 + h - 1)) < 2, `step ${h}: ${hw.forecast(h)} vs ${pattern(24 * 5 + h - 1)}`);
  });

  it('follows a level that moves, and never forecasts below zero', () => {
    const hw = new HoltWinters({ seasonLength: 4, alpha: 0.5, beta: 0.1, gamma: 0.1 });
    for (let i = 0; i < 40; i++) hw.observe(10 + i);
    assert.ok(Math.abs(hw.forecast(1)! - 50) < 3, String(hw.forecast(1)));
    const falling = new HoltWinters({ seasonLength: 4, alpha: 0.5, beta: 0.5, gamma: 0.1 });
    for (let i = 0; i < 20; i++) falling.observe(1000 - 50 * i);
    assert.ok(falling.forecast(1)! > 0 && falling.forecast(1)! < 100, String(falling.forecast(1)));
    assert.equal(falling.forecast(50), 0, 'a falling trend extrapolated far stops at zero');
  });
});

describe('reactive scaling by the HPA rules', () => {
  const policy = (windowMs = 5 * MINUTE) => new ReactivePolicy({ capacity, target: 0.5, tolerance: 0.1, scaleDownWindowMs: windowMs, lagLimitMs: 200, bounds });

  it('asks for the edges that bring utilisation to the target, by the busier of connections and messages', () => {
    assert.equal(edgesFor({ connections: 2000, messagesPerSecond: 0 }, capacity, 0.5), 4);
    assert.equal(edgesFor({ connections: 100, messagesPerSecond: 300 }, capacity, 0.5), 6);
    assert.equal(policy().decide(0, 2, load(2000)).desired, 4);
  });

  it('changes nothing within the tolerance, scales up at once, and down only after the window', () => {
    const p = policy();
    assert.equal(p.decide(0, 4, load(2100)).desired, 4, '52 % is within 10 % of the 50 % target');
    assert.equal(p.decide(MINUTE, 4, load(4000)).desired, 8);
    const held = p.decide(2 * MINUTE, 8, load(1000));
    assert.equal(held.desired, 8, 'the recommendation of a minute ago still counts');
    assert.match(held.reason, /window/);
    assert.equal(p.decide(7 * MINUTE, 8, load(1000)).desired, 2, 'past the window');
  });

  it('adds an edge when the event loop lags, whatever the counts', () => {
    assert.equal(policy().decide(0, 3, load(1500, 0, 900)).desired, 4);
  });
});

describe('predictive scaling', () => {
  /** A day of 60 one-minute buckets: quiet, then a peak at minutes 30-39. */
  const day = (minute: number) => (minute % 60 >= 30 && minute % 60 < 40 ? 5000 : 500);

  it('asks for the minimum until it has a season of history, then has the edges up before the daily peak', () => {
    const p = new PredictivePolicy({ capacity, target: 0.5, bucketMs: MINUTE, seasonBuckets: 60, leadMs: 3 * MINUTE, smoothing: { alpha: 0.2, beta: 0.001, gamma: 0.5 }, bounds });
    assert.equal(p.decide(0, 1, load(day(0))).desired, 1);
    assert.equal(p.decide(0, 1, load(day(0))).forecast, null);
    let desiredBeforePeak = 0;
    for (let m = 1; m < 60 * 4; m++) {
      const d = p.decide(m * MINUTE, 1, load(day(m)));
      // Two minutes before the fourth day's peak, with a lead of three minutes.
      if (m === 60 * 3 + 28) desiredBeforePeak = d.desired;
    }
    assert.ok(desiredBeforePeak >= 9, `asked for ${desiredBeforePeak} edges before a peak that needs 10`);
  });

  it('combined takes the larger answer, and says which part decided', () => {
    const fixed = (desired: number, reason: string): ScalingPolicy => ({ decide: () => ({ desired, reason, forecast: null }) });
    const predictive = new PredictivePolicy({ capacity, target: 0.5, bucketMs: MINUTE, seasonBuckets: 60, leadMs: MINUTE, smoothing: { alpha: 0.2, beta: 0.001, gamma: 0.5 }, bounds: { min: 3, max: 50 } });
    const d = new CombinedPolicy(fixed(2, 'little load'), predictive, { min: 1, max: 50 }).decide(0, 2, load(10));
    assert.equal(d.desired, 3);
    assert.match(d.reason, /^predictive/);
    assert.match(new CombinedPolicy(fixed(7, 'busy'), predictive, bounds).decide(0, 2, load(10)).reason, /^reactive: busy/);
  });
});

describe('the autoscaling simulator', () => {
  const model: EdgeModel = { capacity, startMs: 3 * MINUTE, drainMs: 2 * MINUTE, initial: 1 };

  it('counts edge-hours of every edge that costs, and minutes over capacity while new edges start', () => {
    const trace = Array.from({ length: 20 }, (_, m) => ({ t: m * MINUTE, connections: m < 5 ? 500 : 2500, messagesPerSecond: 0 }));
    const threeEdges: ScalingPolicy = { decide: (_now, _current, l) => ({ desired: l.connections > 1000 ? 3 : 1, reason: 'test', forecast: null }) };
    const r = simulate(trace, threeEdges, model);
    // Minutes 5, 6, 7: the load needs 3 edges, they were asked for at minute 5 and are ready at minute 8.
    assert.equal(r.minutesOverCapacity, 3);
    assert.equal(r.scaleEvents, 1);
    // Minutes 0-5 with one edge (the decision at minute 5 comes after its minute is counted), 6-19 with three.
    assert.ok(Math.abs(r.edgeHours - (6 * 1 + 14 * 3) / 60) < 1e-9, String(r.edgeHours));
    assert.deepEqual(r.series.slice(7, 9).map((s) => s.ready), [1, 3]);
  });

  it('keeps paying for a draining edge until it is gone', () => {
    const trace = Array.from({ length: 10 }, (_, m) => ({ t: m * MINUTE, connections: 100, messagesPerSecond: 0 }));
    const r = simulate(trace, { decide: () => ({ desired: 1, reason: 'test', forecast: null }) }, { ...model, initial: 2 });
    // Drained at the end of minute 0, gone two minutes later: paid for minutes 0 and 1.
    assert.deepEqual(r.series.slice(0, 4).map((s) => s.paid), [2, 2, 1, 1]);
  });

  it('replays the same seeded trace on every machine, and reads back what it wrote', () => {
    const a = generateTrace(7, 1);
    assert.deepEqual(generateTrace(7, 1), a);
    assert.notDeepEqual(generateTrace(8, 1), a);
    assert.equal(a.length, 1440);
    assert.deepEqual(traceFromCsv(traceToCsv(a)), a);
    assert.throws(() => traceFromCsv('a,b\n1,2'), /header/);
  });

  it('the kept trace is the one its script makes', () => {
    const kept = readFileSync(new URL('../../docs/autoscaling/trace.csv', import.meta.url), 'utf8');
    assert.equal(kept, traceToCsv(generateTrace(20261126)));
  });

  it('on the kept week, combined uses fewer edge-hours than reactive only at no more minutes over capacity', () => {
    const trace = traceFromCsv(readFileSync(new URL('../../docs/autoscaling/trace.csv', import.meta.url), 'utf8'));
    const runs = Object.fromEntries(runPolicies(trace).map((r) => [r.name, r.result]));
    assert.ok(runs.combined!.edgeHours < runs.reactive!.edgeHours, `${runs.combined!.edgeHours} vs ${runs.reactive!.edgeHours} edge-hours`);
    assert.ok(runs.combined!.minutesOverCapacity <= runs.reactive!.minutesOverCapacity, `${runs.combined!.minutesOverCapacity} vs ${runs.reactive!.minutesOverCapacity} minutes over`);
  });
});
