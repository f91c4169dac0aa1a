export { RocketpushClient, type RocketpushClientOptions } from './client.js';
export { RocketpushError, WebhookVerificationError, type Problem } from './errors.js';
export { verifyWebhook, type VerifyOptions, type WebhookCall, type WebhookEvent } from './webhooks.js';
export type * from './types.js';
