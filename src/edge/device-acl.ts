import type { Device } from '../cluster/device-registry.js';

/** Topic every device may subscribe to: pushes for everyone. */
export const BROADCAST_TOPIC = 'broadcast';

/** The topic trees a device may subscribe to: its own, its user's, its tags', and broadcast. */
export function subscribeRoots(device: Pick<Device, 'id' | 'user' | 'tags'>): string[] {
  return [
    `devices/${device.id}`,
    ...(device.user ? [`users/${device.user}`] : []),
    ...device.tags.map((t) => `tags/${t}`),
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
