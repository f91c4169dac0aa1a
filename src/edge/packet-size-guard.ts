/**
 * Cuts a connection off as soon as a packet's fixed header declares more bytes than any packet the
 * edge accepts. mqtt-packet reads a packet whole before anything sees it: one device that declared
 * 200 MiB and sent 120 MiB grew an edge by 116 MiB, and the payload limit (authorize-publish) only
 * looks at a packet once all of it is in memory. MQTT 3.1.1 has no way to refuse a packet (no
 * Maximum Packet Size before MQTT 5): the edge closes the connection, its answer to any packet it
 * will not take (as for a protocol violation, MQTT-4.8.0-1).
 *
 * The guard hooks the length step of the connection's own parser, the one place where the declared
 * length is known before the body is read. That is an internal of mqtt-packet (the version aedes
 * 1.2.0 installs, 9.x); test/unit/packet-size-guard.test.ts fails if it changes shape.
 */
import type { Client } from 'aedes';
import { PacketTooLargeError } from '../errors.js';

/** The largest MQTT 3.1.1 header fields around a payload: a CONNECT's five length-prefixed strings. */
const LARGEST_HEADER_FIELDS = 10 + 5 * (2 + 65_535);

/** The largest packet an edge reads, for a given payload limit. */
export function maxPacketBytes(maxPayloadBytes: number): number {
  return maxPayloadBytes + LARGEST_HEADER_FIELDS;
}

interface LengthParser {
  packet: { cmd?: string; length: number };
  _parseLength(): boolean;
  _emitError(err: Error): void;
}

/**
 * Guards one aedes client's parser; false when the parser does not have the expected shape (the
 * caller must not serve that connection unguarded: it closes it).
 */
export function guardPacketSize(client: Client, limit: number, refused: (err: PacketTooLargeError, cmd: string | undefined) => void): boolean {
  const parser = (client as unknown as { _parser?: Partial<LengthParser> })._parser;
  if (!parser || typeof parser._parseLength !== 'function' || typeof parser._emitError !== 'function') return false;
  const parseLength = parser._parseLength.bind(parser);
  const p = parser as LengthParser;
  p._parseLength = () => {
    if (!parseLength()) return false;
    if (p.packet.length > limit) {
      const err = new PacketTooLargeError(p.packet.length, limit);
      refused(err, p.packet.cmd);
      p._emitError(err);
      return false;
    }
    return true;
  };
  return true;
}
