import type { Registry } from 'prom-client';
import type { DeliveryConsumerStats } from '../bus/delivery-consumer.js';
import type { PublishStats } from '../bus/publish-service.js';
import { counterFrom, gaugeFrom, type Sample } from '../metrics/metrics.js';
import type { ConnectionCensus } from './connection-census.js';
import type { DeviceAuthStats } from './device-auth.js';
import type { OutboundStats } from './outbound-gate.js';
import type { SessionOutboxStats } from './session-outbox.js';

/** The running totals of an edge's parts that its metrics are read from. */
export interface EdgeMetricSources {
  census: ConnectionCensus;
  outbound: () => OutboundStats;
  delivery: () => DeliveryConsumerStats;
  expired: () => number;
  publish: () => PublishStats;
  auth: () => DeviceAuthStats | undefined;
  receipts: () => { receiptsWritten: number; receiptsDropped: number };
  publishQueued: () => number;
  localBacklog: () => number;
  admission: () => { refusedFull: number; refusedDraining: number };
  moved: () => { drainClosed: number; shedClosed: number };
  sessions: () => SessionOutboxStats;
  capacity: number;
  /** As the edge's last load report said: starting until the first one. */
  state: () => 'starting' | 'ready' | 'unready' | 'draining';
}

const STATES = ['starting', 'ready', 'unready', 'draining'] as const;

const qos = (values: number[]): Sample[] => values.map((v, i) => [{ qos: String(i) }, v]);

/** Registers the edge's own metrics (README, "Metrics"); prom-client reads them at each scrape. */
export function registerEdgeMetrics(registry: Registry, s: EdgeMetricSources): void {
  gaugeFrom(registry, 'rocketpush_connections', 'Devices connected to this edge now, by listener', ['listener'],
    () => Object.entries(s.census.connections()).map(([listener, n]) => [{ listener }, n]));
  gaugeFrom(registry, 'rocketpush_sessions', 'Connected devices by session kind (clean: clean session 1; persistent: 0)', ['kind'],
    () => Object.entries(s.census.sessions()).map(([kind, n]) => [{ kind }, n]));
  counterFrom(registry, 'rocketpush_publishes_received_total', 'PUBLISH packets received from devices, by QoS', ['qos'],
    () => qos(s.census.publishesReceived));
  counterFrom(registry, 'rocketpush_deliveries_total', 'Messages handed to a device connection, by the QoS of the message', ['qos'], () => {
    const o = s.outbound();
    return qos([o.deliveredQos0, o.deliveredQos1, o.deliveredQos2]);
  });
  counterFrom(registry, 'rocketpush_drops_total', 'Messages not delivered or not accepted, by reason', ['reason'], () => {
    const o = s.outbound();
    return [
      [{ reason: 'slow_consumer' }, o.droppedDeviceGone],
      [{ reason: 'qos0_buffer_full' }, o.qos0DroppedBufferFull],
      [{ reason: 'acl' }, s.auth()?.publishDenied ?? 0],
      [{ reason: 'expired' }, s.expired()],
      [{ reason: 'session_overflow' }, s.publish().sessionOverflow],
    ];
  });
  counterFrom(registry, 'rocketpush_slow_consumer_disconnects_total', 'Clean-session devices disconnected for falling too far behind', [],
    () => [[{}, s.outbound().slowConsumerDisconnects]]);
  counterFrom(registry, 'rocketpush_delivery_batches_total', 'RocketMQ delivery batches this edge took, by outcome', ['outcome'], () => {
    const d = s.delivery();
    return [[{ outcome: 'delivered' }, d.batches], [{ outcome: 'duplicate' }, d.duplicateBatches], [{ outcome: 'stale' }, d.staleBatches], [{ outcome: 'corrupt' }, d.corruptBatches]];
  });
  counterFrom(registry, 'rocketpush_delivery_order_total', 'Delivery batches put back in their producer lane\'s order, by what happened: held for an earlier one, a missing one given up on, delivered after its place was given up', ['outcome'], () => {
    const d = s.delivery();
    return [[{ outcome: 'held' }, d.reorderedBatches], [{ outcome: 'gap_skipped' }, d.orderGapsSkipped], [{ outcome: 'late' }, d.lateBatches]];
  });
  counterFrom(registry, 'rocketpush_delivery_messages_total', 'Messages in the delivery batches this edge took', [], () => [[{}, s.delivery().messages]]);
  gaugeFrom(registry, 'rocketpush_consumer_lag_seconds', 'Age of the newest delivery batch when it reached this edge: how far its consumer group trails', [],
    () => [[{}, s.delivery().lagMs / 1000]]);
  counterFrom(registry, 'rocketpush_push_receipts_total', 'Push receipts (per device) written to the push status store, by outcome', ['outcome'], () => {
    const r = s.receipts();
    return [[{ outcome: 'written' }, r.receiptsWritten], [{ outcome: 'dropped' }, r.receiptsDropped]];
  });
  counterFrom(registry, 'rocketpush_connects_refused_total', 'CONNECTs answered with CONNACK 3 because this edge was full or draining', ['reason'], () => {
    const a = s.admission();
    return [[{ reason: 'full' }, a.refusedFull], [{ reason: 'draining' }, a.refusedDraining]];
  });
  counterFrom(registry, 'rocketpush_connections_moved_total', 'Connections this edge closed without their wills so that the devices reconnect elsewhere, by cause', ['cause'], () => {
    const m = s.moved();
    return [[{ cause: 'drain' }, m.drainClosed], [{ cause: 'rebalance' }, m.shedClosed]];
  });
  counterFrom(registry, 'rocketpush_session_messages_total', 'Messages of persistent sessions\' queues this edge finished or wrote, by outcome', ['outcome'], () => {
    const q = s.sessions();
    return [
      [{ outcome: 'delivered' }, q.sessionDelivered], [{ outcome: 'redelivered' }, q.sessionRedelivered],
      [{ outcome: 'released' }, q.sessionReleased], [{ outcome: 'expired' }, q.sessionExpired], [{ outcome: 'withdrawn' }, q.sessionWithdrawn],
    ];
  });
  counterFrom(registry, 'rocketpush_session_reader_events_total', 'Corrections of the persistent sessions\' queue readers on this edge, by event', ['event'], () => {
    const q = s.sessions();
    return [
      [{ event: 'moved_back' }, q.sessionReaderMovedBack], [{ event: 'already_done' }, q.sessionBatchesAlreadyDone],
      [{ event: 'missing' }, q.sessionBatchesMissing], [{ event: 'held_for_order' }, q.sessionBatchesHeldForOrder],
      [{ event: 'resubscribed' }, q.sessionReaderResubscribed],
      [{ event: 'stalled' }, q.sessionReaderStalled],
    ];
  });
  gaugeFrom(registry, 'rocketpush_edge_state', 'The edge\'s state as its last load report said: 1 for the state it is in, 0 for the others', ['state'],
    () => STATES.map((st) => [{ state: st }, s.state() === st ? 1 : 0]));
  gaugeFrom(registry, 'rocketpush_edge_capacity_connections', 'Connections this edge takes before refusing new ones (EDGE_CAPACITY)', [], () => [[{}, s.capacity]]);
  gaugeFrom(registry, 'rocketpush_publish_queued', 'Accepted publishes waiting for their RocketMQ send', [], () => [[{}, s.publishQueued()]]);
  gaugeFrom(registry, 'rocketpush_local_backlog', 'Messages from RocketMQ waiting for local delivery', [], () => [[{}, s.localBacklog()]]);
}
