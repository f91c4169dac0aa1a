import mqemitter from 'mqemitter';

type Message = mqemitter.Message;
type Listener = (message: Message, done: () => void) => void;

/** Marks packets that came in from RocketMQ; anything else that is not $SYS was already sent there. */
export const FROM_BUS = 'rocketpush-bus';

/**
 * The aedes `mq`: aedes emits every publish here after its own handling. Device publishes were
 * written to RocketMQ by the durable publish hook already, and reach local subscribers only when
 * they come back from RocketMQ (so every edge, the accepting one included, sees one order).
 * Packets from the bus and aedes' own $SYS events go to the local matcher.
 */
export class BusEmitter {
  private readonly local: mqemitter.MQEmitter;

  constructor(concurrency: number) {
    // matchEmptyLevels: MQTT-4.7.1-3, `a/#` matches `a/` too, as aedes' own emitter does.
    this.local = mqemitter({ concurrency, matchEmptyLevels: true });
  }

  get current(): number { return this.local.current; }
  get concurrent(): number { return this.local.concurrent; }

  on(topic: string, listener: Listener, callback?: () => void): this {
    this.local.on(topic, listener, callback);
    return this;
  }

  removeListener(topic: string, listener: Listener, callback?: () => void): void {
    this.local.removeListener(topic, listener, callback);
  }

  emit(message: Message, callback?: (error?: Error) => void): void {
    if (message.brokerId === FROM_BUS || message.topic.startsWith('$SYS/')) {
      this.local.emit(message, callback);
    } else if (callback) {
      callback();
    }
  }

  close(callback: () => void): void {
    this.local.close(callback);
  }
}
