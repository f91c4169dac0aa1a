import { z } from 'zod';

/** The body of POST /v1/publish, validated at the boundary. */
export const publishBody = z.object({
  topic: z.string().min(1).max(1024)
    .refine((t) => !t.includes('+') && !t.includes('#'), 'wildcards + and # are not allowed in a publish topic')
    .refine((t) => !t.startsWith('$'), 'topics starting with $ are reserved')
    .refine((t) => !t.includes('\u0000'), 'topic must not contain NUL'),
  payload: z.string(),
  encoding: z.enum(['utf8', 'base64']).default('utf8'),
  qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1),
  retain: z.boolean().default(false),
  /** Seconds the message stays deliverable; the server's MESSAGE_TTL_MS when absent. */
  ttl: z.number().int().min(1).max(30 * 24 * 3600).optional(),
}).strict();

export type PublishBody = z.infer<typeof publishBody>;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export class PayloadDecodeError extends Error {}

export function decodePayload(body: PublishBody): Buffer {
  if (body.encoding === 'utf8') return Buffer.from(body.payload, 'utf8');
  if (!BASE64.test(body.payload)) throw new PayloadDecodeError('payload is not valid base64');
  return Buffer.from(body.payload, 'base64');
}
