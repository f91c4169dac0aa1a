import net from 'node:net';
import mqttPacket, { type Packet } from 'mqtt-packet';

/**
 * An MQTT 3.1.1 device that speaks packet by packet: the test decides every acknowledgement, and
 * sees every packet the edge sends, in order.
 */
export class RawDevice {
  private readonly socket: net.Socket;
  private readonly received: Packet[] = [];
  private waiters: (() => void)[] = [];

  private constructor(socket: net.Socket) {
    this.socket = socket;
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', (p: Packet) => { this.received.push(p); for (const w of this.waiters.splice(0)) w(); });
    socket.on('data', (d) => parser.parse(d));
    socket.on('error', () => undefined);
  }

  static async open(port: number): Promise<RawDevice> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
    return new RawDevice(socket);
  }

  send(packet: Packet): void {
    this.socket.write(mqttPacket.generate(packet));
  }

  /** The next packet not taken yet that satisfies `match`; fails after `ms`. */
  async take<P extends Packet>(match: (p: Packet) => p is P, ms: number, what: string): Promise<P> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.received.findIndex(match);
      if (i >= 0) return this.received.splice(i, 1)[0] as P;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  /** Every packet received and not taken. */
  rest(): Packet[] {
    return [...this.received];
  }

  close(): void {
    this.socket.destroy();
  }
}

export const isConnack = (p: Packet): p is mqttPacket.IConnackPacket => p.cmd === 'connack';
export const isSuback = (p: Packet): p is mqttPacket.ISubackPacket => p.cmd === 'suback';
export const isPublish = (p: Packet): p is mqttPacket.IPublishPacket => p.cmd === 'publish';
export const isPubrel = (p: Packet): p is mqttPacket.IPubrelPacket => p.cmd === 'pubrel';
