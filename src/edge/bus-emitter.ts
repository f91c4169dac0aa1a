import { LocalDispatch } from './local-dispatch.js';
import { isSysTopic } from '../topics.js';

/** A packet as aedes hands it to its `mq`. */
export interface Message {
  topic: string;
  brokerId?: string;
  [key: string]: unknown;
}
type Listener = (message: Message, done: () => void) => void;

/** Tells the route table which filters this edge has subscribers for. */
export interface RouteAnnouncer {
  add(filter: string): Promise<void>;
  remove(filter: string): Promise<void>;
}

/** Marks packets that came in from RocketMQ; anything else that is not $SYS was already sent there. */
export const FROM_BUS = 'rocketpush-bus';

/**
 * The aedes `mq`: aedes emits every publish here after its own handling. Device publishes were
 * written to RocketMQ by the durable publish hook already, and reach local subscribers only when
 * they come back from RocketMQ (so every edge, the accepting one included, sees one order).
 * Packets from the bus and aedes' own $SYS events go to the local matcher.
 *
 * Every subscription of every device passes through on(), so this is also where the edge learns
 * which filters it needs: the first subscriber of a filter adds it to the route table before
 * aedes sends SUBACK, the last one leaving removes it.
 */
export class BusEmitter {
  private readonly local: LocalDispatch<Message>;
  private readonly interest = new Map<string, number>();
  /** Route additions still on their way to Redis, by filter. */
  private readonly announcing = new Map<string, Promise<void>>();

  constructor(
    concurrency: number,
    private readonly routes?: RouteAnnouncer,
    private readonly onRouteError?: (err: unknown) => void,
    maxBacklog = 10_000,
    onListenerError?: (err: unknown, topic: string) => void,
  ) {
    this.local = new LocalDispatch<Message>(concurrency, maxBacklog, onListenerError);
  }

  get listenerErrors(): number { return this.local.stats.listenerErrors; }

  /** Packets waiting for local subscribers or being taken by them. */
  backlog(): number { return this.local.backlog(); }

  /** Nothing while local delivery has room; else a promise of room (the caller then takes more from RocketMQ). */
  room(): Promise<void> | undefined { return this.local.room(); }

  on(topic: string, listener: Listener, callback?: () => void): this {
    const count = this.interest.get(topic) ?? 0;
    this.interest.set(topic, count + 1);
    if (!this.routes || isSysTopic(topic)) {
      this.local.on(topic, listener, callback);
      return this;
    }
    // A second subscriber of the filter waits for the first one's route too: its SUBACK must not
    // go out before the route table has this edge for the filter.
    let announced = this.announcing.get(topic);
    if (!announced && count === 0) {
      const adding: Promise<void> = this.routes.add(topic)
        .catch((err: unknown) => this.onRouteError?.(err))
        .finally(() => { if (this.announcing.get(topic) === adding) this.announcing.delete(topic); });
      this.announcing.set(topic, adding);
      announced = adding;
    }
    if (!announced) {
      this.local.on(topic, listener, callback);
      return this;
    }
    void announced.then(() => { this.local.on(topic, listener, callback); });
    return this;
  }

  removeListener(topic: string, listener: Listener, callback?: () => void): void {
    const count = (this.interest.get(topic) ?? 1) - 1;
    if (count > 0) {
      this.interest.set(topic, count);
    } else {
      this.interest.delete(topic);
      if (this.routes && !isSysTopic(topic)) this.routes.remove(topic).catch((err: unknown) => this.onRouteError?.(err));
    }
    this.local.removeListener(topic, listener, callback);
  }

  /** The filters this edge has local subscribers for ($SYS aside). */
  filters(): string[] {
    return [...this.interest.keys()].filter((f) => !isSysTopic(f));
  }

  emit(message: Message, callback?: (error?: Error) => void): void {
    if (message.brokerId === FROM_BUS || isSysTopic(message.topic)) {
      this.local.emit(message, callback);
    } else if (callback) {
      callback();
    }
  }

  close(callback: () => void): void {
    this.local.close(callback);
  }
}
