import { Qlobber } from 'qlobber';
import { Waiters } from '../bus/waiters.js';

/** One packet handed to the subscribers of this edge, and what aedes wants told when all took it. */
export interface DispatchPacket {
  topic: string;
}
export type DispatchListener<P extends DispatchPacket> = (packet: P, done: () => void) => void;

interface Waiting<P> {
  packet: P;
  callback: (error?: Error) => void;
}

export interface LocalDispatchStats {
  /** Packets taken by every matching subscriber. */
  dispatched: number;
  /** Packets waiting for a free place, now. */
  waiting: number;
  /** Packets being taken by their subscribers, now. */
  inFlight: number;
  /** Subscribers that threw while taking a packet (each also reported to onListenerError). */
  listenerErrors: number;
}

/**
 * The edge's own local fan-out: matches a packet's topic against the subscriptions of the devices
 * on this edge (MQTT wildcards, `a/#` matching `a/` too as MQTT-4.7.1-3 wants) and calls each
 * subscriber, at most `concurrency` packets at a time, in the order they came.
 *
 * It replaces mqemitter, whose queue is drained by recursion (`released` calls the next `_do`
 * synchronously when subscribers answer at once): a flood followed by departing devices ran that
 * recursion past the stack and killed the edge. Here one loop drains the queue, and a callback
 * that arrives while the loop runs only counts down; it never calls back into it. `backlog()` and
 * `room()` let the caller stop taking new work while packets wait, so a backlog stays in RocketMQ.
 */
export class LocalDispatch<P extends DispatchPacket> {
  private readonly matcher = new Qlobber<DispatchListener<P>>({ separator: '/', wildcard_one: '+', wildcard_some: '#', match_empty_levels: true });
  private readonly queue: Waiting<P>[] = [];
  private head = 0;
  private inFlight = 0;
  private pumping = false;
  private closed = false;
  private dispatched = 0;
  private readonly roomWaiters = new Waiters();

  private listenerErrors = 0;

  constructor(
    private readonly concurrency: number,
    private readonly maxBacklog: number,
    private readonly onListenerError: (err: unknown, topic: string) => void = () => undefined,
  ) {}

  get stats(): LocalDispatchStats {
    return { dispatched: this.dispatched, waiting: this.queue.length - this.head, inFlight: this.inFlight, listenerErrors: this.listenerErrors };
  }

  /** Packets waiting or being taken. */
  backlog(): number {
    return this.queue.length - this.head + this.inFlight;
  }

  /** Nothing while the backlog is under its limit; else a promise of room (the caller waits for it). */
  room(): Promise<void> | undefined {
    if (this.backlog() < this.maxBacklog || this.closed) return undefined;
    return this.roomWaiters.wait();
  }

  on(topic: string, listener: DispatchListener<P>, callback?: () => void): void {
    this.matcher.add(topic, listener);
    if (callback) setImmediate(callback);
  }

  removeListener(topic: string, listener: DispatchListener<P>, callback?: () => void): void {
    // As mqemitter does: a packet already on its way still reaches the leaving subscriber.
    setImmediate(() => {
      this.matcher.remove(topic, listener);
      callback?.();
    });
  }

  emit(packet: P, callback: (error?: Error) => void = noop): void {
    if (this.closed) { callback(new Error('local dispatch is closed')); return; }
    this.queue.push({ packet, callback });
    this.pump();
  }

  close(callback: () => void = noop): void {
    this.closed = true;
    for (const w of this.queue.splice(0).slice(this.head)) w.callback(new Error('local dispatch is closed'));
    this.head = 0;
    this.roomWaiters.wakeAll();
    setImmediate(callback);
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.inFlight < this.concurrency && this.head < this.queue.length) {
        const next = this.queue[this.head]!;
        this.queue[this.head++] = undefined as unknown as Waiting<P>;
        if (this.head > 1024 && this.head * 2 > this.queue.length) { this.queue.splice(0, this.head); this.head = 0; }
        this.inFlight++;
        this.start(next);
      }
    } finally {
      this.pumping = false;
    }
  }

  private start({ packet, callback }: Waiting<P>): void {
    const listeners = this.matcher.match(packet.topic);
    let pending = listeners.length;
    const finished = () => {
      this.inFlight--;
      this.dispatched++;
      callback();
      if (this.backlog() < this.maxBacklog) this.roomWaiters.wakeAll();
      // Called from inside the loop (a subscriber that answered at once): the loop goes on by itself.
      this.pump();
    };
    if (pending === 0) { finished(); return; }
    for (const listener of listeners) {
      let answered = false;
      const done = () => {
        if (answered) return;
        answered = true;
        if (--pending === 0) finished();
      };
      try {
        listener(packet, done);
      } catch (err) {
        // A subscriber that throws has taken what it could; the others must not wait for it.
        this.listenerErrors++;
        this.onListenerError(err, packet.topic);
        done();
      }
    }
  }
}

function noop(): void { /* nothing to tell */ }
