import type { Logger } from '../log.js';
import { sleep as realSleep } from '../timing.js';
import type { EdgeLoad } from './edge-load.js';
import { rebalancePlan, type Shed } from './rebalance-plan.js';

export interface RebalancePolicy {
  /** Load reports older than this take no part (a few report intervals). */
  staleAfterMs: number;
  /** After the first round, an edge within this fraction of its share is left alone. */
  tolerance: number;
  /** Rounds at most, the first included. */
  maxRounds: number;
  /** How often the load reports are read while a round settles (the report interval). */
  pollMs: number;
  /** The longest a round waits for its sheds and the reconnections; then the next round looks. */
  roundTimeoutMs: number;
  /** The longest a rebalance after a drain waits for the drained edge to be gone. */
  drainWaitMs: number;
}

export interface RebalancerDeps {
  loads: () => Promise<EdgeLoad[]>;
  /** Tells one edge to close `count` connections (a control message). */
  shed: (shed: Shed, requestedAt: number) => Promise<void>;
  policy: RebalancePolicy;
  log: Logger;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface Job {
  cancelled: boolean;
  done: Promise<void>;
}

/**
 * Brings the ready edges to their share of the connections, in rounds: one shed is not enough,
 * because the moved devices go where assignment sends them at that moment, and assignment avoids an
 * edge that is hot just then (a new edge starting, a GC pause on a busy host) or counts one that has
 * just reported too low. So after each round's sheds are done and the devices are back, the reports
 * are read again, and edges still off their share by more than the tolerance shed again, up to
 * `maxRounds`. One rebalance runs at a time in this process; a newer request replaces it.
 */
export class Rebalancer {
  private job: Job | null = null;
  /** The request time of the newest round's sheds (strictly increasing). */
  private lastRequestAt = 0;
  private readonly clock: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: RebalancerDeps) {
    this.clock = deps.clock ?? Date.now;
    this.sleep = deps.sleep ?? realSleep;
  }

  /**
   * Starts a rebalance: its first round is planned and sent before this resolves (with that plan,
   * which sheds every edge above its share); the later rounds run in the background.
   */
  async rebalance(): Promise<Shed[]> {
    const job = this.replace();
    let first: Round;
    try {
      first = await this.round(job, 0);
    } catch (err) {
      this.release(job);
      throw err;
    }
    if (first.plan.length === 0) {
      this.finish(job, 0);
      this.release(job);
      return first.plan;
    }
    this.run(job, async () => {
      await this.settle(job, first);
      await this.rounds(job, 2);
    });
    return first.plan;
  }

  /**
   * Once the edge drained by an operator is gone, rebalances what is left: its devices went where
   * assignment sent them during the drain, which an edge that was hot just then did not get.
   */
  afterDrain(edgeId: string): void {
    const job = this.replace();
    this.run(job, async () => {
      const deadline = this.clock() + this.deps.policy.drainWaitMs;
      while (!job.cancelled && this.clock() < deadline) {
        const loads = await this.deps.loads();
        if (!loads.some((l) => l.edgeId === edgeId)) {
          await this.sleep(this.deps.policy.pollMs);
          return this.rounds(job, 1);
        }
        await this.sleep(this.deps.policy.pollMs);
      }
      if (!job.cancelled) this.deps.log.warn('rebalance after drain: the edge did not go; not rebalancing', { edgeId });
    });
  }

  /** Resolves when no rebalance is running (the running one finished or was cancelled). */
  async whenIdle(): Promise<void> {
    while (this.job) await this.job.done;
  }

  /** Cancels a running rebalance and waits for it to let go. */
  async stop(): Promise<void> {
    const job = this.job;
    this.job = null;
    if (!job) return;
    job.cancelled = true;
    await job.done;
  }

  private replace(): Job {
    if (this.job) this.job.cancelled = true;
    const job: Job = { cancelled: false, done: Promise.resolve() };
    this.job = job;
    return job;
  }

  private run(job: Job, work: () => Promise<void>): void {
    job.done = work().catch((err: unknown) => {
      this.deps.log.warn('rebalance failed', { error: String(err) });
    }).finally(() => this.release(job));
  }

  /** A finished job leaves its place, unless a newer request took it already. */
  private release(job: Job): void {
    if (this.job === job) this.job = null;
  }

  /** Rounds from `from` on, each with the tolerance, until nothing is off or the rounds run out. */
  private async rounds(job: Job, from: number): Promise<void> {
    for (let round = from; round <= this.deps.policy.maxRounds; round++) {
      if (job.cancelled) return;
      const sent = await this.round(job, this.deps.policy.tolerance);
      if (sent.plan.length === 0) { this.finish(job, round - 1); return; }
      this.deps.log.info('rebalance: another round', { round, plan: JSON.stringify(sent.plan) });
      await this.settle(job, sent);
    }
    if (!job.cancelled) this.deps.log.warn('rebalance: rounds used up, connections still uneven', { rounds: this.deps.policy.maxRounds });
  }

  private finish(job: Job, rounds: number): void {
    if (!job.cancelled) this.deps.log.info('rebalance: balanced', { rounds });
  }

  /** Plans from the reports now and sends the sheds. */
  private async round(job: Job, tolerance: number): Promise<Round> {
    const now = this.clock();
    const loads = await this.deps.loads();
    const plan = rebalancePlan(loads, now, this.deps.policy.staleAfterMs, tolerance);
    const round: Round = { plan: [], requestedAt: 0, total: totalConnections(loads) };
    if (job.cancelled || plan.length === 0) return round;
    // Every round has its own request time: the edges report which shed they are on by it.
    round.requestedAt = Math.max(now, this.lastRequestAt + 1);
    this.lastRequestAt = round.requestedAt;
    for (const shed of plan) await this.deps.shed(shed, round.requestedAt);
    round.plan = plan;
    return round;
  }

  /**
   * Waits until every edge of the round reports its shed done (or is no longer ready), then until
   * the moved devices are back: the total of connections is where it was before the round, or did
   * not change between two fresh readings of the reports. Bounded by `roundTimeoutMs` either way.
   */
  private async settle(job: Job, round: Round): Promise<void> {
    const { pollMs, roundTimeoutMs } = this.deps.policy;
    const deadline = this.clock() + roundTimeoutMs;
    const planned = new Set(round.plan.map((s) => s.edgeId));
    let shedDone = false;
    let previous: { total: number; oldest: number } | null = null;
    while (!job.cancelled && this.clock() < deadline) {
      await this.sleep(pollMs);
      const loads = await this.deps.loads();
      if (!shedDone) {
        shedDone = loads.filter((l) => planned.has(l.edgeId)).every((l) => l.state !== 'ready' || shedFinished(l, round.requestedAt));
        continue;
      }
      const now = { total: totalConnections(loads), oldest: Math.min(...loads.map((l) => l.reportedAt)) };
      if (now.total >= round.total) return;
      // Only a reading with every report newer than the last one counts as a second reading.
      if (previous && now.oldest <= previous.oldest) continue;
      if (previous && now.total === previous.total) return;
      previous = now;
    }
  }
}

interface Round {
  plan: Shed[];
  requestedAt: number;
  /** Connections on all edges when the round was planned. */
  total: number;
}

function totalConnections(loads: readonly EdgeLoad[]): number {
  return loads.reduce((n, l) => n + l.connections, 0);
}

function shedFinished(load: EdgeLoad, requestedAt: number): boolean {
  return load.shed !== undefined && load.shed.requestedAt >= requestedAt && load.shed.remaining === 0;
}
