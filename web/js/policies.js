// The Policies view: the list (type, enforcement, enabled switch) and the selected policy's editor and history.
import { api } from './api.js';
import { fill, h, levelBadge, say } from './dom.js';
import { renderPolicyEditor } from './policy-editor.js';
import { renderPolicyHistory } from './policy-history.js';
import { onPolicies, policyNamed, reloadPolicies } from './policy-list.js';

let selected = null;
/** The definition the detail panel shows, as JSON. */
let shown = null;
const message = () => document.getElementById('policies-message');

async function toggleEnabled(policy, button) {
  button.disabled = true;
  try {
    await api('PATCH', `/api/v1/policies/${encodeURIComponent(policy.policy_name)}`, { enabled: !policy.enabled });
    say(message(), `${policy.policy_name} is now ${policy.enabled ? 'disabled' : 'enabled'}.`, 'ok');
    await reloadPolicies();
  } catch (error) {
    say(message(), `Could not change ${policy.policy_name}: ${error.summary ?? error.message}`, 'error');
    button.disabled = false;
  }
}

function policyRow(policy) {
  const toggle = h('button', {
    type: 'button',
    class: 'switch',
    role: 'switch',
    'aria-checked': String(policy.enabled),
    'aria-label': `${policy.policy_name} enabled`,
    title: policy.enabled ? 'Enabled: click to disable' : 'Disabled: click to enable',
    onclick: (event) => {
      event.stopPropagation();
      toggleEnabled(policy, toggle);
    },
  });
  return h(
    'tr',
    { class: `clickable${policy.policy_name === selected ? ' selected' : ''}`, dataset: { policy: policy.policy_name }, onclick: () => select(policy.policy_name) },
    h('td', { class: 'policy-name' }, policy.policy_name),
    h('td', {}, h('span', { class: 'type' }, policy.policy_type)),
    h('td', {}, levelBadge(policy.enforcement_level)),
    h('td', {}, toggle),
  );
}

function renderList(policies) {
  const body = document.querySelector('#policy-table tbody');
  fill(body, policies.length ? policies.map(policyRow) : h('tr', {}, h('td', { colspan: 4, class: 'description' }, 'No policies yet.')));
  if (selected && !policyNamed(selected)) selected = null;
  // Unsaved edits survive a reload unless the policy itself changed underneath them.
  if (JSON.stringify(policyNamed(selected) ?? null) !== shown) renderDetail();
}

function select(name) {
  if (name === selected) return;
  selected = name;
  for (const row of document.querySelectorAll('#policy-table tbody tr')) row.classList.toggle('selected', row.dataset.policy === name);
  renderDetail();
}

function renderDetail() {
  const panel = document.getElementById('policy-detail');
  const policy = selected ? policyNamed(selected) : undefined;
  shown = JSON.stringify(policy ?? null);
  if (!policy) {
    fill(panel, h('p', { class: 'placeholder' }, 'Select a policy to see and edit its rules and its history.'));
    return;
  }
  const history = h('div', { id: 'policy-history' });
  fill(
    panel,
    h('div', { class: 'detail-head' }, h('h2', {}, policy.policy_name), h('span', { class: 'type' }, policy.policy_type), levelBadge(policy.enforcement_level), policy.enabled ? '' : h('span', { class: 'badge level-strict' }, 'disabled')),
    renderPolicyEditor(policy, {
      onSaved: async (text) => {
        say(message(), text, 'ok');
        await reloadPolicies();
      },
    }),
    h('h3', {}, 'Change history'),
    history,
  );
  renderPolicyHistory(history, policy.policy_name);
}

export function showPolicyLoadError(error) {
  say(message(), `Could not load the policies: ${error.summary ?? error.message}`, 'error');
}

export function initPolicies() {
  onPolicies(renderList);
  document.getElementById('policies-reload').addEventListener('click', () => {
    say(message(), '');
    reloadPolicies().catch(showPolicyLoadError);
  });
}
