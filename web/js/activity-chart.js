// Violations per policy over time (from created_at), as stacked bars drawn by uPlot.
import { fill, h } from './dom.js';

const PALETTE = ['#1f5fbf', '#c2410c', '#23784a', '#8a4fbf', '#a86a00', '#0f7c8c', '#b0122b', '#5a6676'];
const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;
const MAX_BUCKETS = 400;

let uPlotModule;
let chart;
let resizeObserver;

/** Bucket width in seconds: minutes for up to two hours of data, hours for up to four days, else days. */
function bucketSeconds(spanSeconds) {
  if (spanSeconds <= 2 * HOUR) return MINUTE;
  if (spanSeconds <= 4 * DAY) return HOUR;
  return DAY;
}

/**
 * Counts per policy per time bucket. Returns { times, policies, counts[p][t], width } with every
 * bucket from the first to the last present (empty ones count 0), at most MAX_BUCKETS of the
 * latest, and one empty bucket on each side so that even a single busy minute has an x range.
 */
function countByPolicy(violations) {
  const seconds = violations.map((v) => Date.parse(v.created_at) / 1000);
  const first = Math.min(...seconds);
  const last = Math.max(...seconds);
  const width = bucketSeconds(last - first);
  const lastBucket = Math.floor(last / width) * width + width;
  const start = Math.max(Math.floor(first / width) * width - width, lastBucket - (MAX_BUCKETS - 1) * width);
  const buckets = (lastBucket - start) / width + 1;
  const times = Array.from({ length: buckets }, (_, i) => start + i * width);
  const policies = [...new Set(violations.map((v) => v.policy_name))].sort();
  const counts = policies.map(() => new Array(buckets).fill(0));
  violations.forEach((v, i) => {
    const bucket = Math.floor((seconds[i] - start) / width);
    if (bucket >= 0) counts[policies.indexOf(v.policy_name)][bucket] += 1;
  });
  return { times, policies, counts, width };
}

async function loadUPlot() {
  uPlotModule ??= import('../vendor/uplot/uPlot.esm.js').then((m) => m.default);
  return uPlotModule;
}

const unitName = (width) => (width === MINUTE ? 'minute' : width === HOUR ? 'hour' : 'day');

export async function renderActivityChart(container, caption, violations) {
  chart?.destroy();
  chart = undefined;
  resizeObserver?.disconnect();
  if (violations.length === 0) {
    caption.textContent = 'Violations per policy over time';
    fill(container, h('p', { class: 'hint' }, 'No violations match the filters.'));
    return;
  }
  let uPlot;
  try {
    uPlot = await loadUPlot();
  } catch {
    fill(container, h('p', { class: 'hint' }, 'The chart library (uPlot) is not installed on this service; the table below lists every violation.'));
    return;
  }
  const { times, policies, counts, width } = countByPolicy(violations);
  caption.textContent = `Violations per policy per ${unitName(width)} (the ${violations.length} listed below)`;
  // Stacked: series p draws the sum of policies p..end, tallest first, so each bar sits on the next.
  // An empty bucket is null, not 0, so that no zero-height bar is stroked.
  const stacked = policies.map((_, p) => times.map((_, t) => counts.slice(p).reduce((sum, row) => sum + row[t], 0) || null));
  const bars = uPlot.paths.bars({ size: [0.8, 48], align: 0 });
  const options = {
    width: Math.max(320, container.clientWidth),
    height: 220,
    scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] } },
    legend: { live: false },
    axes: [{}, { label: 'violations', size: 50 }],
    series: [
      {},
      ...policies.map((policy, p) => ({
        label: policy,
        fill: PALETTE[p % PALETTE.length],
        stroke: PALETTE[p % PALETTE.length],
        paths: bars,
        points: { show: false },
      })),
    ],
  };
  fill(container);
  chart = new uPlot(options, [times, ...stacked], container);
  resizeObserver = new ResizeObserver(() => chart?.setSize({ width: Math.max(320, container.clientWidth), height: 220 }));
  resizeObserver.observe(container);
}
