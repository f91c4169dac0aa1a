// npm run autoscale:sim: replays docs/autoscaling/trace.csv through three scaling policies and an
// edge model, prints a table per policy and writes a chart of load and capacity for each
// (docs/autoscaling/<policy>.png) and the table (docs/autoscaling/results.md).
import { readFileSync, writeFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import type { SimulationResult } from '../src/autoscaler/sim/simulator.js';
import { bounds, model, runPolicies, sweepTargets } from '../src/autoscaler/sim/scenario.js';
import { MINUTE, traceFromCsv } from '../src/autoscaler/sim/trace.js';

const dir = new URL('../docs/autoscaling/', import.meta.url);
const trace = traceFromCsv(readFileSync(new URL('trace.csv', dir), 'utf8'));
const results = runPolicies(trace);

const rows = results.map(({ name, result: r }) => `| ${name} | ${r.edgeHours.toFixed(1)} | ${r.minutesOverCapacity.toFixed(0)} | ${r.scaleEvents} |`);
const table = ['| policy | edge-hours | minutes over capacity | scale events |', '|---|---|---|---|', ...rows].join('\n');
console.log(table);
const base = results.find((r) => r.name === 'reactive')!.result;
const both = results.find((r) => r.name === 'combined')!.result;
const verdict = both.edgeHours < base.edgeHours && both.minutesOverCapacity <= base.minutesOverCapacity
  ? `combined used ${((1 - both.edgeHours / base.edgeHours) * 100).toFixed(1)} % fewer edge-hours than reactive only, with ${both.minutesOverCapacity.toFixed(0)} minutes over capacity against ${base.minutesOverCapacity.toFixed(0)}: goal met`
  : 'goal NOT met: combined did not use fewer edge-hours at no more minutes over capacity than reactive only';
console.log(verdict);

// The same two policies at the same targets: what the forecast costs and what it buys at equal headroom.
const sweep = sweepTargets(trace, [0.6, 0.7, 0.8, 0.85]).map(({ target, reactive: r, combined: c }) =>
  `| ${target * 100} % | ${r.edgeHours.toFixed(1)} | ${r.minutesOverCapacity.toFixed(0)} | ${c.edgeHours.toFixed(1)} | ${c.minutesOverCapacity.toFixed(0)} |`);
const sweepTable = ['| target | reactive edge-hours | reactive minutes over | combined edge-hours | combined minutes over |', '|---|---|---|---|---|', ...sweep].join('\n');
console.log(sweepTable);

writeFileSync(new URL('results.md', dir), `# Autoscaling simulation (npm run autoscale:sim)

Trace: \`trace.csv\` (${trace.length} minutes, made by \`scripts/make-trace.ts\`), scored on days 2-7.
Edge model: ${model.capacity.connections} connections and ${model.capacity.messagesPerSecond} msg/s per edge, ${model.startMs / MINUTE} minutes to start, ${model.drainMs / MINUTE} to drain, ${bounds.min}-${bounds.max} edges.

${table}

${verdict}.

The same policies at equal targets (what the forecast costs and buys at the same headroom):

${sweepTable}

At equal targets the combined policy pays a few per cent more edge-hours (the forecast brings edges
up before the daily ramps and the 12:00 push) and is over capacity a third to a fifth as long. That
is what lets it run edges fuller (80 %) than HPA alone (70 %). Minute by minute: reactive only is
over capacity for the first three minutes of every day's 12:00 push (18 of its 27 minutes: the
devices come faster than an edge starts) and at the four unannounced campaign spikes (2 minutes
each); combined is over capacity only at those four spikes (3 minutes each, with less headroom),
which no forecast sees and its reactive part catches one start-up later, as HPA does.

${results.map((r) => `- ${r.name}: ${r.title}; chart \`${r.name}.png\``).join('\n')}
`);
for (const r of results) writeFileSync(new URL(`${r.name}.png`, dir), chart(r.title, r.result));
console.log(`wrote ${dir.pathname}results.md and a chart per policy`);

/** Load (as edges needed at full utilisation) against ready and paid edges, over the week. */
function chart(title: string, r: SimulationResult): Buffer {
  const width = 1600, height = 520, left = 60, right = 20, top = 50, bottom = 50;
  const series = r.series;
  const needed = series.map((s) => Math.max(s.connections / model.capacity.connections, s.messagesPerSecond / model.capacity.messagesPerSecond));
  const yMax = Math.ceil(Math.max(...needed, ...series.map((s) => s.paid)) / 5) * 5;
  const tMax = series.at(-1)!.t;
  const x = (t: number) => left + ((width - left - right) * t) / tMax;
  const y = (v: number) => height - bottom - ((height - top - bottom) * v) / yMax;
  const line = (values: number[], colour: string, w: number) =>
    `<polyline fill="none" stroke="${colour}" stroke-width="${w}" points="${values.map((v, i) => `${x(series[i]!.t).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`;
  const grid: string[] = [];
  for (let d = 0; d <= tMax / (24 * 60 * MINUTE); d++) {
    const gx = x(d * 24 * 60 * MINUTE);
    grid.push(`<line x1="${gx}" y1="${top}" x2="${gx}" y2="${height - bottom}" stroke="#ddd"/><text x="${gx + 4}" y="${height - bottom + 18}" font-size="13">day ${d + 1}</text>`);
  }
  for (let v = 0; v <= yMax; v += 5) grid.push(`<line x1="${left}" y1="${y(v)}" x2="${width - right}" y2="${y(v)}" stroke="#eee"/><text x="${left - 8}" y="${y(v) + 4}" font-size="12" text-anchor="end">${v}</text>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${left}" y="24" font-size="16" font-weight="bold">${title}</text>
<text x="${left}" y="42" font-size="13">edge-hours ${r.edgeHours.toFixed(1)}, minutes over capacity ${r.minutesOverCapacity.toFixed(0)}, scale events ${r.scaleEvents} (days 2-7). Edges: grey = load at 100 %, blue = ready, orange = paid (starting and draining too)</text>
${grid.join('\n')}
${line(series.map((s) => s.paid), '#f59e0b', 1.2)}
${line(series.map((s) => s.ready), '#2563eb', 1.2)}
${line(needed, '#6b7280', 1)}
</svg>`;
  return new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
}
