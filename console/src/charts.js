// Hand-written SVG charts: a line over time and a utilization bar. No library.
import { h } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
const s = (tag, attrs) => { const el = document.createElementNS(NS, tag); for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v); return el; };

/**
 * A line chart of points [{t: ms, v: number}] in a 300×120 box, with the last value and the
 * range written on it; `label` names it for screen readers.
 */
export function lineChart(label, points, format = (v) => String(v)) {
  const W = 300, H = 120, P = 6;
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': label });
  if (points.length === 0) {
    svg.append(Object.assign(s('text', { x: 8, y: 20 }), { textContent: 'no data yet' }));
    return figure(label, svg, 'no data yet');
  }
  const t0 = points[0].t, t1 = points[points.length - 1].t;
  const max = Math.max(...points.map((p) => p.v), 0) || 1;
  const x = (t) => P + (t1 === t0 ? (W - 2 * P) : ((t - t0) / (t1 - t0)) * (W - 2 * P));
  const y = (v) => H - P - (v / max) * (H - 2 * P);
  const pts = points.length === 1 ? [points[0], { ...points[0], t: t0 + 1 }] : points;
  svg.append(s('polyline', { points: pts.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ') }));
  svg.append(Object.assign(s('text', { x: 8, y: 14 }), { textContent: `max ${format(max)}` }));
  const last = points[points.length - 1].v;
  return figure(label, svg, `${label}: ${format(last)} (${points.length} points)`);
}

function figure(label, svg, caption) {
  const f = h('figure', { 'data-chart': label });
  f.append(svg, h('figcaption', {}, caption));
  return f;
}

export function bar(label, share) {
  const pct = Math.max(0, Math.min(100, Math.round(share * 100)));
  return h('div', { class: 'bar', role: 'meter', 'aria-label': label, 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': pct, title: `${pct} %` },
    h('span', { style: `width:${pct}%` }));
}
