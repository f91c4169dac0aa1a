/**
 * Every error class of the server, in one module. Each has a stable `code` to recognise it by (never
 * its message) and may carry the `cause` it wraps; `httpAnswerOf` is the one mapping of errors to
 * REST answers. The libraries' errors are recognised by their codes where they are used
 * (bus/client-support.ts for RocketMQ, cluster/redis-connection.ts for Redis). The client package
 * (packages/client) has errors of its own: it is published alone and depends on nothing of this.
 */

export type ErrorCode =
  | 'api'
  | 'api_keys_invalid'
  | 'bus_unavailable'
  | 'config_invalid'
  | 'delay_refused'
  | 'envelope_invalid'
  | 'not_ready'
  | 'packet_too_large'
  | 'payload_invalid'
  | 'producer_stopped'
  | 'publish_rejected'
  | 'push_invalid'
  | 'push_too_large'
  | 'scheduled_push_invalid'
  | 'tag_expression_invalid'
  | 'unknown_devices';

export abstract class RpError extends Error {
  abstract readonly code: ErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** True when `err` is a rocketpush error with this code. */
export function hasCode(err: unknown, code: ErrorCode): boolean {
  return err instanceof RpError && err.code === code;
}

// ---- configuration and process ----

/** A setting (environment variable) that cannot be used; the message names it. */
export class ConfigError extends RpError {
  readonly code = 'config_invalid';
}

/** API_KEYS cannot be parsed. */
export class ApiKeyConfigError extends RpError {
  readonly code = 'api_keys_invalid';
}

/** A readiness check failed; `part` names the check. */
export class NotReadyError extends RpError {
  readonly code = 'not_ready';

  constructor(readonly part: string, options?: { cause?: unknown }) {
    super(`${part}: ${options?.cause instanceof Error ? options.cause.message : String(options?.cause ?? 'not ready')}`, options);
  }
}

// ---- the bus (RocketMQ) ----

/** A RocketMQ message body that is not a rocketpush envelope. */
export class EnvelopeError extends RpError {
  readonly code = 'envelope_invalid';
}

/** A scheduled push's body that cannot be read. */
export class ScheduledPushError extends RpError {
  readonly code = 'scheduled_push_invalid';
}

/** The producer was stopped while the message waited: it was not written. */
export class ProducerStoppedError extends RpError {
  readonly code = 'producer_stopped';
}

/** RocketMQ refused a delayed message (its delivery time, most likely); the message says why. */
export class DelayRefusedError extends RpError {
  readonly code = 'delay_refused';
}

/** RocketMQ could not be reached (or kept failing) for longer than the caller may wait; worth retrying later. */
export class BusUnavailableError extends RpError {
  readonly code = 'bus_unavailable';
}

// ---- devices and pushes ----

/** A device's publish the edge refuses (a topic it may not write, say). */
export class PublishRejectedError extends RpError {
  readonly code = 'publish_rejected';
}

/** A device's packet whose fixed header declares more bytes than an edge reads; its connection is closed. */
export class PacketTooLargeError extends RpError {
  readonly code = 'packet_too_large';

  constructor(readonly declared: number, readonly limit: number) {
    super(`packet declares ${declared} bytes, more than the ${limit} an edge reads`);
  }
}

/** A REST payload that does not decode as its encoding says. */
export class PayloadDecodeError extends RpError {
  readonly code = 'payload_invalid';
}

/** A tag expression that does not parse. */
export class TagExpressionError extends RpError {
  readonly code = 'tag_expression_invalid';
}

/** None of a push's target devices is registered. */
export class NoTargetError extends RpError {
  readonly code = 'unknown_devices';
}

/** A push request that cannot be carried out as asked; `field` names the part of the body. */
export class PushRequestError extends RpError {
  readonly code = 'push_invalid';

  constructor(message: string, readonly field: string) {
    super(message);
  }
}

/** A push whose payload, in its envelope, is over the message size limit. */
export class PushTooLargeError extends RpError {
  readonly code = 'push_too_large';
}

// ---- REST ----

/** An answer of the REST API other than 2xx: its HTTP status and the `code` of its body. */
export class ApiError extends RpError {
  readonly code = 'api';

  /** `problems`: every validation problem of the request, when there were several to report. */
  constructor(readonly status: number, readonly answerCode: string, message: string, readonly field?: string, readonly problems?: Problem[]) {
    super(message);
  }
}

/** One thing wrong with a request: the field (dotted path) when there is one, and what is wrong. */
export interface Problem {
  field?: string;
  message: string;
}

/** What the REST API answers for an error: status, body code and message, the field, and Retry-After. */
export interface HttpAnswer {
  status: number;
  code: string;
  message: string;
  field?: string;
  /** Every problem found, when the request was checked against a schema. */
  problems?: Problem[];
  retryAfterS?: number;
}

/** The one mapping of errors to REST answers; null for an error no request caused (a 500). */
export function httpAnswerOf(err: unknown): HttpAnswer | null {
  if (!(err instanceof RpError)) return null;
  switch (err.code) {
    case 'api': {
      const e = err as ApiError;
      return { status: e.status, code: e.answerCode, message: e.message, ...(e.field ? { field: e.field } : {}), ...(e.problems ? { problems: e.problems } : {}) };
    }
    case 'bus_unavailable':
      return { status: 503, code: 'unavailable', message: 'RocketMQ is not answering; nothing was accepted, retry the request', retryAfterS: 1 };
    case 'payload_invalid':
      return { status: 400, code: 'invalid_request', message: err.message, field: 'payload' };
    case 'tag_expression_invalid':
      return { status: 400, code: 'invalid_request', message: `target.tags: ${err.message}`, field: 'target.tags' };
    case 'unknown_devices':
      return { status: 404, code: 'unknown_devices', message: err.message, field: 'target.devices' };
    case 'push_too_large':
      return { status: 413, code: 'payload_too_large', message: err.message, field: 'payload' };
    case 'push_invalid': {
      const e = err as PushRequestError;
      return { status: 400, code: e.field === 'deliverAt' ? 'delay_too_long' : 'invalid_request', message: e.message, field: e.field };
    }
    default:
      return null;
  }
}
