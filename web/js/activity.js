// The Activity view: recorded violations with filters (policy, severity, status), resolving one, and the chart.
import { api } from './api.js';
import { renderActivityChart } from './activity-chart.js';
import { fill, h, say, severityBadge } from './dom.js';
import { dateTime, figure } from './format.js';
import { onPolicies } from './policy-list.js';

const $ = (id) => document.getElementById(id);

function query() {
  const form = new FormData($('activity-filters'));
  const params = new URLSearchParams();
  for (const [name, value] of form) if (value !== '') params.set(name, value);
  return params;
}

async function resolve(violation, button) {
  button.disabled = true;
  try {
    await api('PATCH', `/api/v1/violations/${encodeURIComponent(violation.id)}`, { resolved: true });
    say($('activity-message'), `Resolved ${violation.violation_type} on ${violation.subject ?? violation.policy_name} (${violation.decision_id}).`, 'ok');
    await showActivity();
  } catch (error) {
    say($('activity-message'), `Could not resolve it: ${error.summary ?? error.message}`, 'error');
    button.disabled = false;
  }
}

function status(violation) {
  if (violation.resolved) {
    const by = violation.resolved_by ? ` by ${violation.resolved_by}` : '';
    const at = violation.resolved_at ? ` · ${dateTime(violation.resolved_at)}` : '';
    return h('td', {}, h('span', { class: 'state-resolved' }, 'Resolved'), h('div', { class: 'hint' }, `${by}${at}`.trim()));
  }
  const button = h('button', { type: 'button', class: 'small', onclick: () => resolve(violation, button) }, 'Resolve');
  return h('td', {}, h('span', { class: 'state-open' }, 'Open'), ' ', button);
}

function row(v) {
  return h(
    'tr',
    { class: `sev-row-${v.severity}${v.resolved ? ' resolved' : ''}`, dataset: { id: v.id } },
    h('td', { class: 'num' }, dateTime(v.created_at)),
    h('td', {}, severityBadge(v.severity)),
    h('td', { class: 'policy-name' }, v.policy_name),
    h('td', {}, h('span', { class: 'type' }, v.violation_type), v.description ? h('div', { class: 'description' }, v.description) : ''),
    h('td', {}, v.subject ?? ''),
    h('td', { class: 'num' }, figure(v.observed, v.violation_type, v.subject)),
    h('td', { class: 'num' }, figure(v.limit, v.violation_type, v.subject)),
    h('td', { class: 'mono' }, v.decision_id),
    status(v),
  );
}

/** Loads the violations for the current filters into the table and the chart. */
export async function showActivity() {
  const body = document.querySelector('#violation-table tbody');
  let violations;
  try {
    violations = await api('GET', `/api/v1/violations?${query()}`);
  } catch (error) {
    say($('activity-message'), `Could not load violations: ${error.summary ?? error.message}`, 'error');
    return;
  }
  fill(body, violations.length ? violations.map(row) : h('tr', {}, h('td', { colspan: 9, class: 'description' }, 'No violations match the filters.')));
  await renderActivityChart($('activity-chart'), $('activity-chart-caption'), violations);
}

export function initActivity() {
  const policySelect = $('activity-filters').elements.policy_name;
  onPolicies((policies) => {
    const chosen = policySelect.value;
    fill(policySelect, h('option', { value: '' }, 'All'), policies.map((p) => h('option', { value: p.policy_name, selected: p.policy_name === chosen }, p.policy_name)));
  });
  $('activity-filters').addEventListener('submit', (event) => {
    event.preventDefault();
    say($('activity-message'), '');
    showActivity();
  });
  $('activity-filters').addEventListener('change', () => showActivity());
}
