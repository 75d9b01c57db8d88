// A policy's change history (GET /api/v1/policies/{name}/history): who changed what, when, newest first.
import { api } from './api.js';
import { fill, h } from './dom.js';
import { dateTime } from './format.js';

/** The fields of a definition that changed between two versions, as "key: before → after" lines. */
function changedFields(before, after) {
  const flat = (definition) => {
    if (!definition) return {};
    const { rules = {}, ...rest } = definition;
    const out = {};
    for (const [key, value] of Object.entries(rest)) if (key !== 'policy_name') out[key] = value;
    for (const [key, value] of Object.entries(rules)) out[`rules.${key}`] = value;
    return out;
  };
  const a = flat(before);
  const b = flat(after);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const lines = [];
  for (const key of keys) {
    const was = JSON.stringify(a[key]);
    const now = JSON.stringify(b[key]);
    if (was === now) continue;
    if (was === undefined) lines.push({ kind: 'added', text: `${key}: ${now}` });
    else if (now === undefined) lines.push({ kind: 'removed', text: `${key}: ${was} (removed)` });
    else lines.push({ kind: 'changed', text: `${key}: ${was} → ${now}` });
  }
  return lines;
}

function entryItem(entry) {
  const lines = changedFields(entry.before, entry.after);
  return h(
    'li',
    {},
    h('span', { class: 'when' }, dateTime(entry.changed_at)),
    ' ',
    h('span', { class: 'who' }, `· ${entry.action} by ${entry.actor} · policy set v${entry.policy_set_version}`),
    lines.length
      ? h('div', { class: 'change' }, lines.map((l) => h('div', { class: l.kind === 'changed' ? '' : l.kind }, l.text)))
      : h('div', { class: 'change' }, 'no field changed'),
  );
}

export async function renderPolicyHistory(container, name) {
  fill(container, h('p', { class: 'hint' }, 'Loading history…'));
  try {
    const entries = await api('GET', `/api/v1/policies/${encodeURIComponent(name)}/history`);
    fill(container, entries.length ? h('ol', { class: 'history' }, entries.map(entryItem)) : h('p', { class: 'hint' }, 'No changes recorded yet.'));
  } catch (error) {
    const text = error.status === 404 ? 'No history available.' : `Could not load the history: ${error.summary ?? error.message}`;
    fill(container, h('p', { class: error.status === 404 ? 'hint' : 'error-text' }, text));
  }
}
