import { createHmac } from 'node:crypto';

/**
 * Webhook signatures as the Standard Webhooks specification defines them (standardwebhooks.com):
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, one `v1,` entry per
 * secret, so that a receiver holding either the old or the new secret accepts the call while a
 * secret is being rotated. Receivers verify with any Standard Webhooks library (or the client
 * package's verifyWebhook()).
 */

/** A signing key: the bytes the HMAC uses, and the secret as it was configured. */
export interface WebhookSecret {
  key: Buffer;
  /** As configured; the legacy header (X-Rocketpush-Signature) used these characters as its key. */
  text: string;
}

const WHSEC = 'whsec_';

/**
 * Parses WEBHOOK_SECRET: one or more secrets separated by spaces or commas, the signing one first.
 * `whsec_<base64>` is the specification's form (the key is the decoded bytes, 16 at least); any
 * other string of 16+ characters is an older rocketpush secret whose UTF-8 bytes are the key.
 * Throws an Error naming the bad entry.
 */
export function parseWebhookSecrets(raw: string): WebhookSecret[] {
  const secrets: WebhookSecret[] = [];
  for (const text of raw.split(/[\s,]+/).filter((s) => s.length > 0)) {
    if (text.startsWith(WHSEC)) {
      const b64 = text.slice(WHSEC.length);
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new Error(`a WEBHOOK_SECRET entry starting with ${WHSEC} is not followed by base64`);
      const key = Buffer.from(b64, 'base64');
      if (key.length < 16) throw new Error(`a ${WHSEC} WEBHOOK_SECRET entry decodes to ${key.length} bytes; 16 at least (24-64 recommended)`);
      secrets.push({ key, text });
    } else {
      if (text.length < 16) throw new Error('a WEBHOOK_SECRET entry is shorter than 16 characters');
      secrets.push({ key: Buffer.from(text, 'utf8'), text });
    }
  }
  return secrets;
}

/** The value of the `webhook-signature` header: `v1,<sig>` per secret, separated by spaces. */
export function webhookSignatures(secrets: readonly WebhookSecret[], id: string, timestamp: string, body: string): string {
  return secrets
    .map((s) => `v1,${createHmac('sha256', s.key).update(`${id}.${timestamp}.${body}`).digest('base64')}`)
    .join(' ');
}

/**
 * The value of the deprecated `X-Rocketpush-Signature` header: `sha256=<hex HMAC-SHA256 of
 * "<timestamp>.<body>">` keyed with the first secret's characters. Sent for one release beside the
 * Standard Webhooks headers (WEBHOOK_LEGACY_HEADERS), so that receivers can move over.
 */
export function legacyWebhookSignature(secret: WebhookSecret, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret.text).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * The `webhook-id` of a call: stable across the retries of one batch (the receiver's de-duplication
 * key), different for every batch (stream ids only increase).
 */
export function webhookCallId(firstEventId: string, lastEventId: string): string {
  return firstEventId === lastEventId ? `msg_${firstEventId}` : `msg_${firstEventId}_${lastEventId}`;
}
