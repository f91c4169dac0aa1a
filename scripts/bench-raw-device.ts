// A bare MQTT 3.1.1 device for the benchmark's many-connection workloads: one socket and a packet
// parser, no client library (10,000 mqtt.js clients would cost the benchmark process more than
// the brokers it measures). It answers PUBACK for QoS 1 and counts what it receives.
import net from 'node:net';
import mqttPacket, { type Packet } from 'mqtt-packet';

export class RawDevice {
  received = 0;
  /** Called with each received PUBLISH's payload. */
  onMessage: (payload: Buffer) => void = () => undefined;
  private readonly socket: net.Socket;
  private connacked!: Promise<void>;
  private subacked: (() => void) | null = null;

  private constructor(port: number, clientId: string, localAddress?: string) {
    this.socket = net.connect({ host: '127.0.0.1', port, localAddress });
    this.socket.setNoDelay(true);
    this.socket.on('error', () => undefined);
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    this.connacked = new Promise((resolve, reject) => {
      parser.on('packet', (p: Packet) => {
        if (p.cmd === 'connack') { if (p.returnCode === 0) resolve(); else reject(new Error(`CONNACK ${p.returnCode}`)); }
        else if (p.cmd === 'suback') { this.subacked?.(); }
        else if (p.cmd === 'publish') {
          this.received++;
          this.onMessage(p.payload as Buffer);
          if (p.qos === 1) this.socket.write(mqttPacket.generate({ cmd: 'puback', messageId: p.messageId! }));
        }
      });
      this.socket.once('close', () => reject(new Error('closed')));
    });
    this.socket.on('data', (d) => parser.parse(d));
    this.socket.once('connect', () => {
      this.socket.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId, keepalive: 0 }));
    });
  }

  static async open(port: number, clientId: string, localAddress?: string): Promise<RawDevice> {
    const d = new RawDevice(port, clientId, localAddress);
    await d.connacked;
    return d;
  }

  subscribe(topic: string, qos: 0 | 1): Promise<void> {
    return new Promise((resolve) => {
      this.subacked = () => { this.subacked = null; resolve(); };
      this.socket.write(mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos }] }));
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Devices per loopback source address: well inside one address's ephemeral port range. */
const DEVICES_PER_ADDRESS = 20_000;

/**
 * The source address of device `i`: the kernel's choice for the first ones, then 127.0.1.1,
 * 127.0.2.1 ... (all of 127.0.0.0/8 is loopback), so that 100,000 devices find free ports.
 */
function sourceAddress(i: number): string | undefined {
  const block = Math.floor(i / DEVICES_PER_ADDRESS);
  return block === 0 ? undefined : `127.0.${block}.1`;
}

/**
 * Opens `n` devices on the given ports (round robin), keeping `parallel` CONNECTs under way at a
 * time; `latencies` (when given) receives each one's CONNECT -> CONNACK time in ms.
 */
export async function openDevices(ports: number[], n: number, prefix: string, parallel = 200, latencies?: number[]): Promise<RawDevice[]> {
  const devices: RawDevice[] = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(parallel, n) }, async () => {
    while (next < n) {
      const i = next++;
      const started = performance.now();
      devices[i] = await RawDevice.open(ports[i % ports.length]!, `${prefix}-${i}`, sourceAddress(i));
      latencies?.push(performance.now() - started);
    }
  }));
  return devices;
}
