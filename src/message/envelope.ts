import { EnvelopeError } from '../errors.js';
import { BROADCAST_TAG } from '../bus/names.js';

/**
 * The one type that crosses the RocketMQ boundary: an accepted publish, and its batch codec.
 * Several publishes travel in one RocketMQ message because the Node client makes one gRPC call per
 * message; the codec is a compact binary frame so that batching costs little CPU.
 */

export type QoS = 0 | 1 | 2;

export interface BusMessage {
  /** Unique id given when the publish was accepted; the REST API returns it. */
  id: string;
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  /** Edge id, or `api`, that accepted the publish. */
  origin: string;
  /** MQTT client id of the publisher, empty for the REST API. */
  clientId: string;
  /** Milliseconds since the epoch at acceptance. */
  publishedAt: number;
  /** Milliseconds since the epoch after which the message is not delivered; 0 for never. */
  expiresAt: number;
  /** The REST push this message belongs to; edges report its delivery receipts under this id. */
  pushId?: string;
}

export function isExpired(m: BusMessage, now: number): boolean {
  return m.expiresAt > 0 && now > m.expiresAt;
}

export interface Batch {
  /** Unique per batch; consumers drop a batch id they have seen (a retried send may store twice). */
  batchId: string;
  messages: BusMessage[];
  /**
   * The producer lane (one life of one producer) whose order this batch keeps, and its place in it:
   * 0, 1, 2, ... A reader restores this order (several batches of a lane are in flight at once, so
   * RocketMQ may store them in another). Absent on batches that need no order (session queues keep
   * their own, probes carry none).
   */
  stream?: string;
  seq?: number;
  /**
   * For each delivery tag whose readers also read this batch's, the lane's last batch of that tag
   * before this one. A reader waits for each of them it reads and has not seen, so every reader
   * gets a lane's batches in order even when RocketMQ hands one over late (a receive lost with a
   * proxy comes back after its invisible time). A reader meeting the lane for the first time waits
   * only for those still unanswered when this one was sent: the others were stored earlier, before
   * the reader started reading, or it has them already.
   */
  previous?: Previous[];
}

/** An earlier batch of the same lane that a reader may have to wait for (see Batch.previous). */
export interface Previous {
  seq: number;
  tag: string;
  /** RocketMQ had not answered it yet when the batch naming it was sent. */
  unanswered: boolean;
}

const MAGIC = 0x5250; // "RP"
const VERSION = 5;
/** One entry per tag sharing readers with a batch's; this bounds what one header carries. */
export const MAX_PREVIOUS = 255;
const FLAG_RETAIN = 0x04;

/** Upper bound of the encoded size of one message, used by the batcher before it encodes. */
export function encodedSize(m: BusMessage): number {
  return 2 + Buffer.byteLength(m.id) + 2 + Buffer.byteLength(m.topic) + 1 + 2 + Buffer.byteLength(m.origin)
    + 2 + Buffer.byteLength(m.clientId) + 8 + 8 + 2 + Buffer.byteLength(m.pushId ?? '') + 4 + m.payload.length;
}

const HEADER = 2 + 1 + 2 + 2 + 8 + 1 + 4; // magic, version, batch id length, stream length, seq, previous count, message count

export function encodeBatch(batch: Batch): Buffer {
  const previous = batch.previous ?? [];
  if (previous.length > MAX_PREVIOUS) throw new EnvelopeError(`a batch names at most ${MAX_PREVIOUS} previous batches, not ${previous.length}`);
  let size = HEADER + Buffer.byteLength(batch.batchId) + Buffer.byteLength(batch.stream ?? '');
  for (const p of previous) size += 8 + 2 + Buffer.byteLength(p.tag) + 1;
  for (const m of batch.messages) size += encodedSize(m);
  const buf = Buffer.allocUnsafe(size);
  let o = 0;
  o = buf.writeUInt16BE(MAGIC, o);
  o = buf.writeUInt8(VERSION, o);
  o = writeStr(buf, o, batch.batchId);
  o = writeStr(buf, o, batch.stream ?? '');
  o = buf.writeDoubleBE(batch.seq ?? 0, o);
  o = buf.writeUInt8(previous.length, o);
  for (const p of previous) {
    o = buf.writeDoubleBE(p.seq, o);
    o = writeStr(buf, o, p.tag);
    o = buf.writeUInt8(p.unanswered ? 1 : 0, o);
  }
  o = buf.writeUInt32BE(batch.messages.length, o);
  for (const m of batch.messages) {
    o = writeStr(buf, o, m.id);
    o = writeStr(buf, o, m.topic);
    o = buf.writeUInt8(m.qos | (m.retain ? FLAG_RETAIN : 0), o);
    o = writeStr(buf, o, m.origin);
    o = writeStr(buf, o, m.clientId);
    o = buf.writeDoubleBE(m.publishedAt, o);
    o = buf.writeDoubleBE(m.expiresAt, o);
    o = writeStr(buf, o, m.pushId ?? '');
    o = buf.writeUInt32BE(m.payload.length, o);
    o += m.payload.copy(buf, o);
  }
  return buf;
}

/**
 * A batch's id and place in its lane without its messages: what a reader needs of a batch it will
 * not deliver (a restarted edge passes its predecessor's backlog through the lanes' order).
 */
export function decodeBatchHeader(buf: Buffer): Omit<Batch, 'messages'> {
  const r = new Reader(buf);
  if (r.u16() !== MAGIC) throw new EnvelopeError('not a rocketpush batch (bad magic)');
  const version = r.u8();
  if (version < 1 || version > VERSION) throw new EnvelopeError(`unsupported batch version ${version}`);
  const batchId = r.str();
  if (version < 4) return { batchId };
  const stream = r.str();
  const seq = r.f64();
  const previous = readPrevious(r, version, seq);
  return stream ? { batchId, stream, seq, previous } : { batchId };
}

/**
 * Version 4 carried a floor (the oldest unanswered batch) on streams of one delivery tag each, so
 * every batch of a stream had the same readers (which the broadcast tag says): the batch before it,
 * and every one from the floor up unanswered.
 */
function readPrevious(r: Reader, version: number, seq: number): Previous[] {
  const list: Previous[] = [];
  if (version === 4) {
    const floor = r.f64();
    if (floor >= seq && seq > 0) list.push({ seq: seq - 1, tag: BROADCAST_TAG, unanswered: false });
    for (let s = Math.max(floor, seq - MAX_PREVIOUS); s < seq; s++) list.push({ seq: s, tag: BROADCAST_TAG, unanswered: true });
    return list;
  }
  for (let n = r.u8(); n > 0; n--) list.push({ seq: r.f64(), tag: r.str(), unanswered: r.u8() === 1 });
  return list;
}

export function decodeBatch(buf: Buffer): Batch {
  const r = new Reader(buf);
  if (r.u16() !== MAGIC) throw new EnvelopeError('not a rocketpush batch (bad magic)');
  const version = r.u8();
  // Version 1 had no expiry, version 2 no push id, version 3 no stream order, version 4 one stream
  // per delivery tag; such batches may still sit in RocketMQ or Redis after an upgrade.
  if (version < 1 || version > VERSION) throw new EnvelopeError(`unsupported batch version ${version}`);
  const batchId = r.str();
  const stream = version >= 4 ? r.str() : '';
  const seq = version >= 4 ? r.f64() : 0;
  const previous = version >= 4 ? readPrevious(r, version, seq) : [];
  const count = r.u32();
  const messages: BusMessage[] = [];
  for (let i = 0; i < count; i++) {
    const id = r.str();
    const topic = r.str();
    const flags = r.u8();
    const qos = flags & 0x03;
    if (qos > 2) throw new EnvelopeError(`bad qos ${qos} in message ${i}`);
    const origin = r.str();
    const clientId = r.str();
    const publishedAt = r.f64();
    const expiresAt = version >= 2 ? r.f64() : 0;
    const pushId = version >= 3 ? r.str() : '';
    const payload = r.bytes(r.u32());
    const m: BusMessage = { id, topic, payload, qos: qos as QoS, retain: (flags & FLAG_RETAIN) !== 0, origin, clientId, publishedAt, expiresAt };
    if (pushId) m.pushId = pushId;
    messages.push(m);
  }
  if (!r.done()) throw new EnvelopeError('trailing bytes after batch');
  return stream ? { batchId, messages, stream, seq, previous } : { batchId, messages };
}

/** One message on its own (a retained message or a will kept in Redis), in the batch format. */
export function encodeMessage(m: BusMessage): Buffer {
  return encodeBatch({ batchId: m.id, messages: [m] });
}

export function decodeMessage(buf: Buffer): BusMessage {
  const m = decodeBatch(buf).messages[0];
  if (!m) throw new EnvelopeError('empty single-message envelope');
  return m;
}

function writeStr(buf: Buffer, o: number, s: string): number {
  const len = buf.write(s, o + 2, 'utf8');
  if (len > 0xffff) throw new EnvelopeError('string field longer than 65535 bytes');
  buf.writeUInt16BE(len, o);
  return o + 2 + len;
}

class Reader {
  private o = 0;
  constructor(private readonly buf: Buffer) {}
  private need(n: number): void {
    if (this.o + n > this.buf.length) throw new EnvelopeError('truncated batch');
  }
  u8(): number { this.need(1); return this.buf.readUInt8(this.o++); }
  u16(): number { this.need(2); const v = this.buf.readUInt16BE(this.o); this.o += 2; return v; }
  u32(): number { this.need(4); const v = this.buf.readUInt32BE(this.o); this.o += 4; return v; }
  f64(): number { this.need(8); const v = this.buf.readDoubleBE(this.o); this.o += 8; return v; }
  str(): string { const n = this.u16(); this.need(n); const s = this.buf.toString('utf8', this.o, this.o + n); this.o += n; return s; }
  bytes(n: number): Buffer { this.need(n); const b = this.buf.subarray(this.o, this.o + n); this.o += n; return b; }
  done(): boolean { return this.o === this.buf.length; }
}
