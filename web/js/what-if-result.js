// The What-if answer: verdict, violations by severity, adjusted trades, utilisation bars and headroom.
import { fill, h, severityBadge } from './dom.js';
import { amount, figure, percent, wholePercent } from './format.js';
import { renderHeadroom } from './headroom.js';
import { utilisationBars } from './utilisation.js';

/** Bars share one scale: 0 to at least 125 % of the limit, stretched to the largest (at most 200 %). */
const MIN_SCALE = 1.25;
const MAX_SCALE = 2;
const WARNING_FROM = 0.9;
/** Bars per policy before the rest fold away (they are sorted by utilisation, highest first). */
const BARS_SHOWN = 8;

function verdict(response) {
  const advisoryOnly = response.is_compliant && response.violations.length > 0;
  const [kind, title] = !response.is_compliant ? ['blocked', 'Blocked: not compliant'] : advisoryOnly ? ['advisory', 'Compliant, with advisory warnings'] : ['passed', 'Compliant'];
  return h(
    'div',
    { class: `verdict ${kind}`, id: 'verdict', dataset: { compliant: String(response.is_compliant) } },
    h('div', {}, h('div', { class: 'verdict-title' }, title), h('div', { class: 'verdict-sub' }, `${response.decision_id} · checked against ${response.policies_checked.join(', ') || 'no policy'}`)),
    h('div', { class: 'score' }, h('div', { class: 'score-value' }, response.compliance_score.toFixed(2)), h('div', { class: 'score-label' }, 'compliance score')),
  );
}

function violationTable(violations) {
  if (violations.length === 0) return h('p', { class: 'hint' }, 'No violations.');
  return h(
    'table',
    { class: 'grid', id: 'violations' },
    h('thead', {}, h('tr', {}, ['Severity', 'Policy', 'Violation', 'Subject'].map((t) => h('th', {}, t)), ['Pre-trade', 'Post-trade', 'Limit'].map((t) => h('th', { class: 'num' }, t)))),
    h(
      'tbody',
      {},
      violations.map((v) =>
        h(
          'tr',
          { class: `sev-row-${v.severity}` },
          h('td', {}, severityBadge(v.severity)),
          h('td', { class: 'policy-name' }, v.policy_name, v.enforcement_level === 'advisory' ? h('div', { class: 'hint' }, 'advisory') : ''),
          h('td', {}, h('span', { class: 'type' }, v.violation_type), h('div', { class: 'description' }, v.description)),
          h('td', {}, v.subject ?? ''),
          h('td', { class: 'num' }, figure(v.pre_trade, v.violation_type, v.subject)),
          h('td', { class: 'num' }, h('strong', {}, figure(v.observed, v.violation_type, v.subject))),
          h('td', { class: 'num' }, figure(v.limit, v.violation_type, v.subject)),
        ),
      ),
    ),
  );
}

/** Proposed trades (net per symbol and side) next to the service's adjusted ones; a dropped trade shows 0. */
function adjustedTrades(request, response) {
  if (!response.adjusted_trades) {
    if (response.is_compliant) return null;
    return h('p', { class: 'hint' }, `The service suggested no adjusted trade list${response.recommendations.length ? '; see the recommendations' : ''}.`);
  }
  const key = (t) => `${t.symbol} ${t.side}`;
  const proposed = new Map();
  for (const t of request.decision.trades) proposed.set(key(t), { symbol: t.symbol, side: t.side, quantity: (proposed.get(key(t))?.quantity ?? 0) + t.quantity });
  const adjusted = new Map(response.adjusted_trades.map((t) => [key(t), t]));
  const keys = [...new Set([...proposed.keys(), ...adjusted.keys()])];
  return h(
    'table',
    { class: 'grid', id: 'adjusted-trades' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Symbol'), h('th', {}, 'Side'), h('th', { class: 'num' }, 'Proposed'), h('th', { class: 'num' }, 'Compliant'), h('th', { class: 'num' }, 'Change'))),
    h(
      'tbody',
      {},
      keys.map((k) => {
        const before = proposed.get(k)?.quantity ?? 0;
        const after = adjusted.get(k)?.quantity ?? 0;
        const trade = proposed.get(k) ?? adjusted.get(k);
        return h(
          'tr',
          {},
          h('td', { class: 'policy-name' }, trade.symbol),
          h('td', {}, trade.side),
          h('td', { class: 'num' }, amount(before)),
          h('td', { class: 'num' }, h('strong', {}, amount(after)), after === 0 ? h('div', { class: 'hint' }, 'dropped') : ''),
          h('td', { class: 'num' }, after === before ? '—' : `${after > before ? '+' : '−'}${amount(Math.abs(after - before))}`),
        );
      }),
    ),
  );
}

function zone(bar) {
  if (bar.passive) return 'zone-passive';
  if (bar.u > 1 + 1e-9) return 'zone-over';
  return bar.u >= WARNING_FROM - 1e-9 ? 'zone-warn' : '';
}

function barRow(bar, scale) {
  const at = (u) => `${(Math.min(u, scale) / scale) * 100}%`;
  const format = (x) => (bar.unit === 'fraction' ? percent(x) : amount(x));
  return h(
    'div',
    { class: 'util-row', dataset: { subject: bar.subject ?? '', source: bar.source } },
    h('span', { class: 'util-label', title: bar.label }, bar.label),
    h(
      'span',
      { class: 'util-track', role: 'img', 'aria-label': `${bar.label}: ${Number.isFinite(bar.u) ? wholePercent(bar.u) : 'beyond'} of limit` },
      h('span', { class: 'util-warn', style: { left: at(WARNING_FROM), width: `calc(${at(1)} - ${at(WARNING_FROM)})` } }),
      h('span', { class: `util-fill ${zone(bar)}`, style: { width: at(Number.isFinite(bar.u) ? bar.u : scale) } }),
      h('span', { class: 'util-limit', style: { left: at(1) } }),
      Number.isFinite(bar.preU) ? h('span', { class: 'util-pre', title: `pre-trade ${format(bar.pre)}`, style: { left: at(bar.preU) } }) : '',
    ),
    h('span', { class: 'util-value' }, h('strong', {}, Number.isFinite(bar.u) ? wholePercent(bar.u) : '∞'), ` · ${format(bar.observed)} / ${format(bar.limit)}${bar.bound === 'min' ? ' min' : ''}`),
    h('span', {}, h('span', { class: 'source', title: bar.source === 'service' ? 'observed and limit from the service\'s violation' : 'recomputed in this page from the portfolio you sent' }, bar.source === 'service' ? 'service' : 'computed here'), bar.passive ? h('div', { class: 'hint' }, 'passive breach') : ''),
  );
}

function utilisationSection(request, response, policies) {
  const { groups, notDrawn } = utilisationBars(request, response, policies);
  const largest = Math.max(0, ...groups.flatMap((g) => g.bars.flatMap((b) => [b.u, b.preU]).filter(Number.isFinite)));
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, largest * 1.05));
  const swatch = (color) => h('span', { class: 'swatch', style: { background: color } });
  return h(
    'div',
    { id: 'utilisation' },
    groups.map((g) => [
      h('div', { class: 'util-policy' }, g.policy_name),
      g.bars.slice(0, BARS_SHOWN).map((bar) => barRow(bar, scale)),
      g.bars.length > BARS_SHOWN
        ? h('details', { class: 'util-more' }, h('summary', {}, `${g.bars.length - BARS_SHOWN} more, up to ${wholePercent(g.bars[BARS_SHOWN].u)} of their limits`), g.bars.slice(BARS_SHOWN).map((bar) => barRow(bar, scale)))
        : '',
    ]),
    groups.length === 0 ? h('p', { class: 'hint' }, 'No check here has a limit the page can draw.') : '',
    h(
      'div',
      { class: 'util-legend' },
      h('span', {}, swatch('#5b84c4'), 'below 90 %'),
      h('span', {}, swatch('#f6d47a'), 'warning zone 90–100 %'),
      h('span', {}, swatch('#b0122b'), 'over the limit'),
      h('span', {}, swatch('#9a6fc4'), 'passive breach (already over before the trade, not made worse)'),
      h('span', {}, swatch('#17202c'), 'limit; white tick = pre-trade'),
      h('span', {}, `scale 0–${wholePercent(scale)} of each limit`),
    ),
    h('p', { class: 'hint' }, '“service”: observed and limit from the service’s violation. “computed here”: a passing check recomputed in this page from the portfolio you sent (contract §2: marks, post-trade quantities and NAV).'),
    notDrawn.length ? h('p', { class: 'hint' }, `Not drawn: ${notDrawn.join('; ')}.`) : '',
  );
}

export async function renderWhatIfResult(container, request, response, policies) {
  const headroom = h('div', { id: 'headroom-section', hidden: true });
  fill(
    container,
    verdict(response),
    h('h3', {}, `Violations (${response.violations.length})`),
    violationTable(response.violations),
    response.adjusted_trades || !response.is_compliant ? [h('h3', {}, 'Adjusted trades'), adjustedTrades(request, response)] : '',
    h('h3', {}, 'Utilisation against limits'),
    utilisationSection(request, response, policies),
    response.recommendations.length ? [h('h3', {}, 'Recommendations'), h('ul', { class: 'recommendations' }, response.recommendations.map((r) => h('li', {}, r)))] : '',
    headroom,
  );
  await renderHeadroom(headroom, request);
}
