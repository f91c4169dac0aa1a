import type { Device } from './cluster/device-registry.js';

/**
 * The MQTT topic scheme, in one place: where pushes for a device, a user, a tag and everyone go,
 * what a device may subscribe and publish to, and the topics that are the server's own.
 */

/** Topic every device may subscribe to: pushes for everyone. */
export const BROADCAST_TOPIC = 'broadcast';

/** Pushes for one registered device (the topic it always has the right to read). */
export function deviceTopic(id: string): string {
  return `devices/${id}`;
}

/** Pushes for every device of a user alias. */
export function userTopic(user: string): string {
  return `users/${user}`;
}

/** Pushes for every device with a tag. */
export function tagTopic(tag: string): string {
  return `tags/${tag}`;
}

/**
 * Topics starting with `$` are the server's own (MQTT-4.7.2-1): devices and REST callers do not
 * publish to them, a filter starting with a wildcard does not match them, and they are not
 * queued for persistent sessions.
 */
export function isReservedTopic(topic: string): boolean {
  return topic.startsWith('$');
}

/** The broker's own status topics (aedes' `$SYS/...` heartbeats): local to each edge, never routed. */
export function isSysTopic(topic: string): boolean {
  return topic.startsWith('$SYS/');
}

/** The topic trees a device may subscribe to: its own, its user's, its tags', and broadcast. */
export function subscribeRoots(device: Pick<Device, 'id' | 'user' | 'tags'>): string[] {
  return [
    deviceTopic(device.id),
    ...(device.user ? [userTopic(device.user)] : []),
    ...device.tags.map(tagTopic),
    BROADCAST_TOPIC,
  ];
}

/** True when `filter` stays inside one of `roots`: the root itself or anything below it. */
export function insideRoots(filter: string, roots: string[]): boolean {
  return roots.some((root) => filter === root || filter.startsWith(`${root}/`));
}

/**
 * The topics a device may publish to, from MQTT_PUBLISH_TOPICS: comma-separated filters where
 * `{id}` and `{user}` stand for the device's id and user alias (a filter naming `{user}` is
 * skipped for a device without one).
 */
export function publishFilters(templates: string[], device: Pick<Device, 'id' | 'user'>): string[] {
  return templates.flatMap((t) => {
    if (t.includes('{user}') && !device.user) return [];
    return [t.replaceAll('{id}', device.id).replaceAll('{user}', device.user ?? '')];
  });
}
