/** Every error of the client, in one module: each has a stable `code` and may carry its `cause`. */

/** One thing wrong with a request, as the API reports it. */
export interface Problem {
  field?: string;
  message: string;
}

/** An answer of the API other than success, with its one error shape. */
export class RocketpushError extends Error {
  /** The HTTP status (0 when no answer came: network error or timeout, see `cause`). */
  readonly status: number;
  /** The API's error code (`invalid_request`, `rate_limited` ...), or `network` / `timeout`. */
  readonly code: string;
  /** The first problem's field, when the request was checked against a schema. */
  readonly field?: string;
  /** Every problem found in the request. */
  readonly problems?: Problem[];
  /** The answer's X-Request-Id: quote it when reporting a problem. */
  readonly requestId?: string;
  /** From Retry-After, on 429 and 503. */
  readonly retryAfterSeconds?: number;

  constructor(init: { status: number; code: string; message: string; field?: string; problems?: Problem[]; requestId?: string; retryAfterSeconds?: number }, options?: { cause?: unknown }) {
    super(init.message, options);
    this.name = 'RocketpushError';
    this.status = init.status;
    this.code = init.code;
    if (init.field !== undefined) this.field = init.field;
    if (init.problems !== undefined) this.problems = init.problems;
    if (init.requestId !== undefined) this.requestId = init.requestId;
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

/** A webhook call that does not verify: `code` says why. */
export class WebhookVerificationError extends Error {
  constructor(
    readonly code: 'missing_headers' | 'bad_timestamp' | 'too_old' | 'too_new' | 'no_matching_signature' | 'bad_secret' | 'bad_body',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WebhookVerificationError';
  }
}
