import { CombinedPolicy, PredictivePolicy, ReactivePolicy, type ScalingPolicy } from '../policy.js';
import { simulate, type EdgeModel, type SimulationResult } from './simulator.js';
import { MINUTE, type TracePoint } from './trace.js';

/** The edge model of the simulation: what one edge holds, how long it takes to come and to go. */
export const model: EdgeModel = { capacity: { connections: 10_000, messagesPerSecond: 600 }, startMs: 3 * MINUTE, drainMs: 2 * MINUTE, initial: 2 };
export const bounds = { min: 2, max: 40 };
/**
 * HPA alone needs headroom for the minutes an edge takes to start: 70 % is a usual target. With
 * the forecast bringing edges up before the daily ramps, the combined policy runs edges fuller.
 */
export const REACTIVE_TARGET = 0.7;
export const COMBINED_TARGET = 0.8;
/** The forecast learns from the first day; every policy is scored on the days after it. */
export const SCORE_FROM_MS = 24 * 60 * MINUTE;

export const reactive = (target: number, scaleDownWindowMs: number) =>
  new ReactivePolicy({ capacity: model.capacity, target, tolerance: 0.1, scaleDownWindowMs, lagLimitMs: 500, bounds });
export const predictive = (target: number) => new PredictivePolicy({
  capacity: model.capacity, target, bucketMs: MINUTE, seasonBuckets: 24 * 60,
  // The lead: an edge's start-up, plus the minute a decision may wait for the next one.
  leadMs: model.startMs + MINUTE, smoothing: { alpha: 0.2, beta: 0.001, gamma: 0.4 }, bounds,
});
export const combined = (target: number, scaleDownWindowMs = MINUTE) =>
  new CombinedPolicy(reactive(target, scaleDownWindowMs), predictive(target), bounds);

export interface PolicyRun { name: 'reactive' | 'predictive' | 'combined'; title: string; result: SimulationResult }

/** The three policies the issue compares, each replayed over the trace. */
export function runPolicies(trace: readonly TracePoint[]): PolicyRun[] {
  const policies: { name: PolicyRun['name']; title: string; make: () => ScalingPolicy }[] = [
    { name: 'reactive', title: 'reactive only (HPA rules: target 70 %, tolerance 10 %, 5-minute scale-down window)', make: () => reactive(REACTIVE_TARGET, 5 * MINUTE) },
    { name: 'predictive', title: 'predictive only (Holt-Winters, daily season, 4-minute lead, target 70 %)', make: () => predictive(REACTIVE_TARGET) },
    { name: 'combined', title: 'combined (larger of predictive and reactive, target 80 %, 1-minute scale-down window)', make: () => combined(COMBINED_TARGET) },
  ];
  return policies.map((p) => ({ name: p.name, title: p.title, result: simulate(trace, p.make(), model, SCORE_FROM_MS) }));
}

/** Reactive-only and combined at the same targets: what the forecast costs and buys at equal headroom. */
export function sweepTargets(trace: readonly TracePoint[], targets: number[]): { target: number; reactive: SimulationResult; combined: SimulationResult }[] {
  return targets.map((target) => ({
    target,
    reactive: simulate(trace, reactive(target, 5 * MINUTE), model, SCORE_FROM_MS),
    combined: simulate(trace, combined(target), model, SCORE_FROM_MS),
  }));
}
