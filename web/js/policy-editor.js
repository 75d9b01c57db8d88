// Editing one policy's rules, as one JSON value per rule ("fields") or as the whole rules object ("JSON").
// The service checks the rules against the policy type's schema; its 400 details land next to the field.
import { api } from './api.js';
import { fill, h, say } from './dom.js';
import { detailsByField, showFieldErrors } from './field-errors.js';
import { replacement } from './policy-list.js';

/**
 * A rule value as typed: JSON when it parses (0.1, ["AAPL"], {"Energy": 0.2}, true), otherwise
 * the text itself as a string, so `sector` needs no quotes and a typo reaches the service, whose
 * schema error then shows next to the field.
 */
function parseRuleValue(text) {
  const trimmed = text.trim();
  try {
    return JSON.parse(trimmed);
  } catch {
    return trimmed;
  }
}

const errorList = () => h('ul', { class: 'field-errors' });

function ruleRow(key, value, onRemove) {
  return h(
    'div',
    { class: 'rule-row field', dataset: { rule: key } },
    h('label', { class: 'rule-key', for: `rule-${key}` }, key),
    h('input', { type: 'text', id: `rule-${key}`, value: JSON.stringify(value), spellcheck: 'false', 'aria-label': `rule ${key}` }),
    h('button', { type: 'button', class: 'small secondary', title: `Remove ${key}`, onclick: onRemove }, 'Remove'),
    errorList(),
  );
}

/** Returns the editor element for `policy`; `onSaved(message)` runs after a successful save. */
export function renderPolicyEditor(policy, { onSaved }) {
  let mode = 'fields';
  let rules = structuredClone(policy.rules);

  const level = h('select', { id: 'policy-level' }, ['strict', 'advisory'].map((l) => h('option', { value: l, selected: l === policy.enforcement_level }, l)));
  const levelField = h('div', { class: 'field', dataset: { field: 'enforcement_level' } }, h('label', { for: 'policy-level' }, 'Enforcement level'), level, errorList());
  const rulesField = h('div', { class: 'field', dataset: { field: 'rules' } });
  const status = h('p', { class: 'message', hidden: true });
  const fieldsButton = h('button', { type: 'button', 'aria-pressed': 'true', onclick: () => switchMode('fields') }, 'Fields');
  const jsonButton = h('button', { type: 'button', 'aria-pressed': 'false', onclick: () => switchMode('json') }, 'JSON');
  const saveButton = h('button', { type: 'submit', class: 'primary' }, 'Save changes');

  /** The rules as currently edited; throws a SyntaxError for unparsable JSON in JSON mode. */
  function editedRules() {
    if (mode === 'json') return JSON.parse(rulesField.querySelector('textarea').value);
    const edited = {};
    for (const row of rulesField.querySelectorAll('[data-rule]')) edited[row.dataset.rule] = parseRuleValue(row.querySelector('input').value);
    return edited;
  }

  function renderRules() {
    if (mode === 'json') {
      fill(
        rulesField,
        h('label', { for: 'rules-json' }, 'Rules'),
        h('textarea', { id: 'rules-json', rows: Math.min(18, JSON.stringify(rules, null, 2).split('\n').length + 2), spellcheck: 'false' }, JSON.stringify(rules, null, 2)),
        errorList(),
      );
      return;
    }
    const newKey = h('input', { type: 'text', placeholder: 'new rule', 'aria-label': 'new rule name' });
    const newValue = h('input', { type: 'text', placeholder: 'value, e.g. 5000000', 'aria-label': 'new rule value' });
    const add = () => {
      const key = newKey.value.trim();
      if (!key) return;
      rules = { ...editedRules(), [key]: parseRuleValue(newValue.value) };
      renderRules();
    };
    fill(
      rulesField,
      h('span', { class: 'label' }, 'Rules ', h('span', { class: 'hint' }, 'one JSON value per rule: numbers are fractions of NAV where they are weights (0.1 = 10 %)')),
      h('ul', { class: 'field-errors' }),
      Object.entries(rules).map(([key, value]) =>
        ruleRow(key, value, () => {
          const { [key]: _removed, ...rest } = editedRules();
          rules = rest;
          renderRules();
        }),
      ),
      h('div', { class: 'rule-row new-rule' }, h('span', { class: 'rule-key' }, newKey), newValue, h('button', { type: 'button', class: 'small secondary', onclick: add }, 'Add')),
    );
  }

  function switchMode(next) {
    if (next === mode) return;
    try {
      rules = editedRules();
    } catch (error) {
      showFieldErrors(rulesField, [`Not valid JSON: ${error.message}`]);
      return;
    }
    mode = next;
    fieldsButton.setAttribute('aria-pressed', String(mode === 'fields'));
    jsonButton.setAttribute('aria-pressed', String(mode === 'json'));
    renderRules();
  }

  function clearErrors() {
    for (const field of form.querySelectorAll('.field')) showFieldErrors(field, []);
    say(status, '');
  }

  /** Puts each detail next to its rule row (fields mode) or under the rules box (JSON mode). */
  function showDetails(details) {
    const top = detailsByField(details);
    showFieldErrors(levelField, top.get('enforcement_level') ?? []);
    const byRule = detailsByField(details.filter((d) => d.path === '/rules' || d.path.startsWith('/rules/')), ['rules']);
    const unplaced = [...(byRule.get('') ?? [])];
    if (mode === 'json') {
      for (const [rule, messages] of byRule) if (rule) unplaced.push(...messages.map((m) => `/${rule}${m.startsWith('/') ? m : `: ${m}`}`));
    } else {
      for (const [rule, messages] of byRule) {
        if (!rule) continue;
        const row = [...rulesField.querySelectorAll('[data-rule]')].find((r) => r.dataset.rule === rule);
        if (row) showFieldErrors(row, messages);
        else unplaced.push(...messages.map((m) => `${rule}: ${m}`));
      }
    }
    showFieldErrors(rulesField, unplaced);
    return details.filter((d) => !d.path.startsWith('/rules') && d.path !== '/enforcement_level');
  }

  function discard() {
    rules = structuredClone(policy.rules);
    level.value = policy.enforcement_level;
    clearErrors();
    renderRules();
  }

  async function save(event) {
    event.preventDefault();
    clearErrors();
    let edited;
    try {
      edited = editedRules();
    } catch (error) {
      showFieldErrors(rulesField, [`Not valid JSON: ${error.message}`]);
      return;
    }
    saveButton.disabled = true;
    try {
      await api('PUT', `/api/v1/policies/${encodeURIComponent(policy.policy_name)}`, replacement(policy, { rules: edited, enforcement_level: level.value }));
      await onSaved(`${policy.policy_name} saved. Validations from now on use the new rules.`);
    } catch (error) {
      const elsewhere = showDetails(error.details ?? []);
      const extra = elsewhere.map((d) => `${d.path}: ${d.message}`).join('; ');
      say(status, `Not saved: ${error.summary ?? error.message}${extra ? ` (${extra})` : ''}`, 'error');
    } finally {
      saveButton.disabled = false;
    }
  }

  const form = h(
    'form',
    { class: 'policy-editor', onsubmit: save },
    levelField,
    h('div', { class: 'mode-row' }, h('span', { class: 'mode-switch', role: 'group', 'aria-label': 'Edit rules as' }, fieldsButton, jsonButton)),
    rulesField,
    h('div', { class: 'editor-actions' }, saveButton, h('button', { type: 'button', class: 'secondary', onclick: discard }, 'Discard changes')),
    status,
  );
  renderRules();
  return form;
}
