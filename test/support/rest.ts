import { randomUUID } from 'node:crypto';

export interface JsonReply {
  status: number;
  json: { id?: string; error?: { code: string; message: string; field?: string }; [key: string]: unknown };
}

/** One REST call to `base`; `key` null sends no API key; `raw` is sent as the body as it is. */
export async function callApi(base: string, key: string | null, method: string, path: string, body?: unknown, raw?: string): Promise<JsonReply> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(key !== null ? { authorization: `Bearer ${key}` } : {}) },
    ...(raw !== undefined || body !== undefined ? { body: raw ?? JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: JsonReply['json'] = {};
  try { json = JSON.parse(text) as JsonReply['json']; } catch { json = { text }; }
  return { status: res.status, json };
}

/** Registers a device with a unique id (`<prefix>-…`); resolves with the id. */
export async function registerDevice(base: string, key: string, prefix: string): Promise<string> {
  const id = `${prefix}-${randomUUID().slice(0, 8)}`;
  const res = await callApi(base, key, 'POST', '/v1/devices', { id });
  if (res.status !== 201) throw new Error(`registering ${id}: ${res.status} ${JSON.stringify(res.json)}`);
  return id;
}
