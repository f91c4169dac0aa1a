/** One minute of a load trace: connections and message rate across the whole cluster. */
export interface TracePoint {
  /** Milliseconds from the start of the trace. */
  t: number;
  connections: number;
  messagesPerSecond: number;
}

export const MINUTE = 60_000;
const DAY = 24 * 60;

/** A small seeded generator (mulberry32): the same seed gives the same trace on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const bump = (minute: number, centre: number, width: number) => Math.exp(-(((minute - centre) / width) ** 2) / 2);

/**
 * A week of push traffic, one point a minute: a night trough, a morning peak (later and lower at the
 * weekend), a lunch bump and a larger evening peak; a scheduled daily news push at 12:00 that
 * wakes many devices at once; slow noise; and unannounced campaign spikes (a few a week) that jump
 * within two minutes and fade over half an hour.
 */
export function generateTrace(seed: number, days = 7): TracePoint[] {
  const random = seededRandom(seed);
  const minutes = days * DAY;
  const spikes = Array.from({ length: Math.round(days * 0.9) }, () => ({
    at: Math.floor(random() * (minutes - 120)) + 60, size: 0.3 + random() * 0.5, fade: 20 + random() * 25,
  }));
  const points: TracePoint[] = [];
  let noise = 0;
  for (let m = 0; m < minutes; m++) {
    const day = Math.floor(m / DAY);
    const minute = m % DAY;
    const weekend = day % 7 >= 5;
    noise = 0.97 * noise + 0.03 * (random() * 2 - 1) * 0.6;
    let shape = 0.18
      + (weekend ? 0.45 * bump(minute, 10 * 60, 80) : 0.7 * bump(minute, 8 * 60 + 30, 55))
      + 0.35 * bump(minute, 13 * 60, 70)
      + 0.95 * bump(minute, 20 * 60 + 30, 100);
    // The daily news push at 12:00: devices wake within a minute and stay a quarter of an hour.
    if (minute >= 12 * 60 && minute < 12 * 60 + 40) shape += 0.4 * Math.exp(-(minute - 12 * 60) / 15);
    let spike = 0;
    for (const s of spikes) if (m >= s.at) spike += s.size * Math.min(1, (m - s.at + 1) / 2) * Math.exp(-Math.max(0, m - s.at - 2) / s.fade);
    const connections = Math.round(100_000 * shape * (1 + noise) * (1 + spike));
    // Devices publish more while a campaign runs (replies, opens), so the rate grows faster than connections.
    const messagesPerSecond = Math.round(connections * 0.04 * (1 + 1.5 * spike));
    points.push({ t: m * MINUTE, connections, messagesPerSecond });
  }
  return points;
}

export function traceToCsv(points: readonly TracePoint[]): string {
  return `minute,connections,messages_per_second\n${points.map((p) => `${p.t / MINUTE},${p.connections},${p.messagesPerSecond}`).join('\n')}\n`;
}

export function traceFromCsv(text: string): TracePoint[] {
  const lines = text.trim().split('\n');
  if (lines[0] !== 'minute,connections,messages_per_second') throw new Error('not a rocketpush load trace (header)');
  return lines.slice(1).map((line, i) => {
    const [minute, connections, rate] = line.split(',').map(Number);
    if (![minute, connections, rate].every((n) => Number.isFinite(n))) throw new Error(`trace line ${i + 2} is not three numbers`);
    return { t: minute! * MINUTE, connections: connections!, messagesPerSecond: rate! };
  });
}
