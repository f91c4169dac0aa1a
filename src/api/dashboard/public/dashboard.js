// The dashboard's client: polls the REST API every two seconds with the key typed into the page and
// draws what it gets. Plain JavaScript for the browser, served as it is (no build step).
/* global uPlot */
'use strict';

const POLL_MS = 2000;
/** Points kept per chart: ten minutes at one point per poll. */
const HISTORY = 300;
const KEY_ITEM = 'rocketpush.apiKey';

const $ = (id) => document.getElementById(id);
let timer = null;

function apiKey() { return sessionStorage.getItem(KEY_ITEM); }

class AuthError extends Error {}

async function call(path) {
  const res = await fetch(path, { headers: { authorization: `Bearer ${apiKey()}` } });
  if (res.status === 401 || res.status === 403) throw new AuthError((await res.json()).error?.message ?? `HTTP ${res.status}`);
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

function cell(text, attrs = {}) {
  const td = document.createElement('td');
  td.textContent = text === null || text === undefined ? '–' : String(text);
  for (const [k, v] of Object.entries(attrs)) td.setAttribute(k, v);
  return td;
}

const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '–');
const round = (n, digits = 1) => (typeof n === 'number' ? Number(n.toFixed(digits)) : null);

/** One uPlot chart with a line per edge; rebuilt when the set of edges changes. */
class EdgeChart {
  constructor(elementId, pick) {
    this.element = $(elementId);
    this.pick = pick;
    this.edges = [];
    this.times = [];
    this.values = new Map();
    this.plot = null;
  }

  add(at, edges) {
    const ids = edges.map((e) => e.id);
    this.times.push(at);
    for (const id of ids) if (!this.values.has(id)) this.values.set(id, this.times.slice(0, -1).map(() => null));
    for (const [id, series] of this.values) {
      const edge = edges.find((e) => e.id === id);
      series.push(edge ? this.pick(edge) : null);
    }
    if (this.times.length > HISTORY) {
      this.times.shift();
      for (const series of this.values.values()) series.shift();
    }
    const known = [...this.values.keys()];
    if (!this.plot || known.join() !== this.edges.join()) this.build(known);
    else this.plot.setData(this.data());
  }

  data() { return [this.times, ...this.edges.map((id) => this.values.get(id))]; }

  build(ids) {
    this.plot?.destroy();
    this.edges = ids;
    const colors = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];
    this.plot = new uPlot({
      width: Math.max(360, this.element.clientWidth || 420), height: 180,
      series: [{}, ...ids.map((id, i) => ({ label: id, stroke: colors[i % colors.length], width: 2, spanGaps: false }))],
      axes: [{}, { size: 60 }],
      scales: { x: { time: true } },
    }, this.data(), this.element);
  }
}

/** A chart of a few named series over time (the autoscaler's current and desired edges). */
class SeriesChart extends EdgeChart {
  constructor(elementId, names) {
    super(elementId, (point) => point.value);
    this.names = names;
  }

  addValues(at, values) {
    this.add(at, this.names.map((name) => ({ id: name, value: values[name] })));
  }
}

const autoscalerChart = new SeriesChart('chart-autoscaler', ['current', 'desired']);

const charts = [
  new EdgeChart('chart-connections', (e) => e.connections),
  new EdgeChart('chart-rate', (e) => e.load?.messagesPerSecond ?? null),
  new EdgeChart('chart-loop', (e) => e.load?.eventLoopLagMs ?? null),
  new EdgeChart('chart-mq', (e) => e.stats?.lagMs ?? null),
];

function showEdges(edges) {
  const body = $('edges').querySelector('tbody');
  body.replaceChildren(...edges.map((e) => {
    const tr = document.createElement('tr');
    tr.dataset.edgeId = e.id;
    const state = !e.alive ? 'dead' : (e.load?.state ?? 'ready');
    tr.append(
      cell(e.id),
      cell(state, { class: `state-${state}`, 'data-field': 'state' }),
      cell(e.connections, { 'data-field': 'connections' }),
      cell(e.load?.capacity),
      cell(round(e.load?.messagesPerSecond)),
      cell(round(e.load?.eventLoopLagMs)),
      cell(e.stats?.lagMs),
      cell(round(e.load?.cpu, 2)),
      cell(e.load ? Math.round(e.load.rssBytes / 1048576) : null),
      cell(time(e.load?.reportedAt ?? e.lastSeenAt)),
    );
    return tr;
  }));
  const at = Date.now() / 1000;
  for (const chart of charts) chart.add(at, edges.filter((e) => e.alive));
}

function pushRow(p) {
  const tr = document.createElement('tr');
  tr.dataset.pushId = p.id;
  const c = p.counts;
  tr.append(
    cell(p.id), cell(time(p.acceptedAt)), cell(p.target), cell(p.state, { 'data-field': 'state' }),
    cell(c.targeted), cell(c.pending, { 'data-field': 'pending' }), cell(c.sent, { 'data-field': 'sent' }),
    cell(c.acknowledged, { 'data-field': 'acknowledged' }), cell(c.expired), cell(c.cancelled), cell(c.replaced),
  );
  return tr;
}

function showPushes(pushes) {
  $('pushes').querySelector('tbody').replaceChildren(...pushes.map(pushRow));
}

function showAutoscaler(status) {
  const out = $('autoscaler');
  if (!status) return out.replaceChildren(details([['autoscaler', 'not running (AUTOSCALE_ENABLED=1)']]));
  out.replaceChildren(details([
    ['decided', time(status.at)], ['driver', status.driver], ['current edges', status.current], ['desired edges', status.desired],
    ['reason', status.reason],
    ['forecast', status.forecast ? `${Math.round(status.forecast.connections)} connections, ${Math.round(status.forecast.messagesPerSecond)} msg/s` : 'none yet (less than a day of history)'],
    ['load', `${status.load.connections} connections, ${Math.round(status.load.messagesPerSecond)} msg/s`],
  ]));
  // Charted against the time of the poll, like the edges; an autoscaler silent for a minute is not running.
  const fresh = Date.now() - Date.parse(status.at) < 60_000;
  if (fresh) {
    $('autoscaler-figure').hidden = false;
    autoscalerChart.addValues(Date.now() / 1000, { current: status.current, desired: status.desired });
  }
  else out.prepend(details([['autoscaler', `silent since ${time(status.at)}: not running?`]]));
}

async function poll() {
  try {
    const [edges, pushes, autoscaler] = await Promise.all([call('/v1/edges'), call('/v1/pushes?limit=20'), call('/v1/autoscaler')]);
    showEdges(edges.items);
    showPushes(pushes.items);
    showAutoscaler(autoscaler);
    $('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (err) {
    if (err instanceof AuthError) return logout(err.message);
    $('updated').textContent = `update failed: ${err.message}`;
  }
}

function details(pairs) {
  const dl = document.createElement('dl');
  for (const [k, v] of pairs) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v === null || v === undefined ? '–' : String(v);
    dd.dataset.field = k;
    dl.append(dt, dd);
  }
  return dl;
}

async function lookUpClient(id) {
  const out = $('client-result');
  const found = await call(`/v1/clients/${encodeURIComponent(id)}`);
  if (!found) return out.replaceChildren(details([['client', id], ['found', 'not connected, no persistent session']]));
  const session = found.persistentSession ? await call(`/v1/sessions/${encodeURIComponent(id)}`) : null;
  out.replaceChildren(details([
    ['client', found.clientId],
    ['connected', found.connected ? 'yes' : 'no'],
    ['edge', found.edgeId],
    ['since', found.connectedSince ? new Date(found.connectedSince).toLocaleString() : null],
    ['session', found.persistentSession ? 'persistent' : 'clean'],
    ['subscriptions', found.subscriptions ? found.subscriptions.map((s) => `${s.topic} (QoS ${s.qos})`).join(', ') || 'none' : 'unknown'],
    ['queue depth', found.queueDepth],
    ['oldest pending', session?.oldestPendingAt ? new Date(session.oldestPendingAt).toLocaleString() : null],
  ]));
}

async function lookUpPush(id) {
  const out = $('push-result');
  const push = await call(`/v1/pushes/${encodeURIComponent(id)}?limit=100`);
  if (!push) return out.replaceChildren(details([['push', id], ['found', 'no such push (or past its retention)']]));
  const table = document.createElement('table');
  table.innerHTML = '<thead><tr><th>device</th><th>state</th></tr></thead>';
  const body = document.createElement('tbody');
  body.append(...push.devices.items.map((d) => {
    const tr = document.createElement('tr');
    tr.dataset.deviceId = d.deviceId;
    tr.append(cell(d.deviceId), cell(d.state, { 'data-field': 'state' }));
    return tr;
  }));
  table.append(body);
  out.replaceChildren(details([
    ['push', push.id], ['state', push.state], ['target', push.target], ['accepted', new Date(push.acceptedAt).toLocaleString()],
    ['counts', Object.entries(push.counts).map(([k, v]) => `${k} ${v ?? '–'}`).join(', ')],
  ]), table);
}

function guarded(form, input, lookUp) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    lookUp(input.value.trim()).catch((err) => {
      if (err instanceof AuthError) return logout(err.message);
      form.nextElementSibling.textContent = err.message;
    });
  });
}

function login() {
  $('login').hidden = true;
  $('main').hidden = false;
  $('logout').hidden = false;
  void poll();
  timer = setInterval(poll, POLL_MS);
}

function logout(message = '') {
  sessionStorage.removeItem(KEY_ITEM);
  clearInterval(timer);
  $('main').hidden = true;
  $('logout').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message;
}

$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(KEY_ITEM, $('key').value.trim());
  $('key').value = '';
  login();
});
$('logout').addEventListener('click', () => logout());
guarded($('client-form'), $('client-id'), lookUpClient);
guarded($('push-form'), $('push-id'), lookUpPush);
if (apiKey()) login();
