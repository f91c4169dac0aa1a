import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookVerificationError } from './errors.js';

/** One event of a webhook call. */
export interface WebhookEvent {
  /** Unique and increasing: drop ids you have seen (a retry after a lost answer repeats them). */
  id: string;
  type: 'push.acknowledged' | 'push.expired';
  pushId: string;
  deviceId?: string;
  deviceIds?: string[];
  at: string;
}

export interface WebhookCall {
  /** The call's webhook-id: the same on every retry of one call. */
  id: string;
  events: WebhookEvent[];
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : bag[key];
  return Array.isArray(v) ? v[0] : v;
}

/** The HMAC key of a secret: `whsec_<base64>` as Standard Webhooks defines it, else the text's bytes. */
function keyOf(secret: string): Buffer {
  if (!secret.startsWith('whsec_')) {
    if (secret.length < 16) throw new WebhookVerificationError('bad_secret', 'a webhook secret is whsec_<base64> or 16+ characters');
    return Buffer.from(secret, 'utf8');
  }
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  if (key.length < 16) throw new WebhookVerificationError('bad_secret', 'the whsec_ secret decodes to fewer than 16 bytes');
  return key;
}

export interface VerifyOptions {
  /** Calls signed longer ago (or further ahead) than this are refused; default 300 s, as the specification's libraries. */
  toleranceSeconds?: number;
  /** For tests. */
  now?: () => number;
}

/**
 * Verifies a webhook call as the Standard Webhooks specification says (webhook-id,
 * webhook-timestamp, webhook-signature) against one secret or several (during a rotation), and
 * returns its events. `body` must be the raw body as received, before any JSON parsing. Throws a
 * WebhookVerificationError when the call is not from rocketpush or is too old.
 */
export function verifyWebhook(body: string | Uint8Array, headers: HeaderBag, secrets: string | readonly string[], options: VerifyOptions = {}): WebhookCall {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('missing_headers', 'webhook-id, webhook-timestamp and webhook-signature are required');
  if (!/^\d{1,12}$/.test(timestamp)) throw new WebhookVerificationError('bad_timestamp', 'webhook-timestamp is not whole seconds');
  const tolerance = options.toleranceSeconds ?? 300;
  const nowS = Math.floor((options.now ?? Date.now)() / 1000);
  if (nowS - Number(timestamp) > tolerance) throw new WebhookVerificationError('too_old', `the call was signed more than ${tolerance} s ago`);
  if (Number(timestamp) - nowS > tolerance) throw new WebhookVerificationError('too_new', `the call was signed more than ${tolerance} s ahead`);
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  const offered = signatures.split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  const matched = (typeof secrets === 'string' ? [secrets] : secrets).some((secret) => {
    const want = createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.${text}`).digest();
    return offered.some((got) => got.length === want.length && timingSafeEqual(got, want));
  });
  if (!matched) throw new WebhookVerificationError('no_matching_signature', 'no v1 signature matches the secret(s)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new WebhookVerificationError('bad_body', 'the signed body is not JSON', { cause: err });
  }
  const events = (parsed as { events?: unknown }).events;
  if (!Array.isArray(events)) throw new WebhookVerificationError('bad_body', 'the signed body has no events list');
  return { id, events: events as WebhookEvent[] };
}
