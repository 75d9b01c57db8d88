// The What-if view's inputs: a decision and a portfolio state (pasted, loaded from a file or from a
// bundled example) and the policies to check; runs them through POST /api/v1/validate.
import { api } from './api.js';
import { fill, h, say } from './dom.js';
import { detailsByField, showFieldErrors } from './field-errors.js';
import { readableJson } from './format.js';
import { knownPolicies, onPolicies } from './policy-list.js';
import { renderWhatIfResult } from './what-if-result.js';

const $ = (id) => document.getElementById(id);
const FIELDS = {
  decision: () => document.querySelector('[data-field="/decision"]'),
  portfolio_state: () => document.querySelector('[data-field="/portfolio_state"]'),
  applicable_policies: () => document.querySelector('[data-field="/applicable_policies"]'),
};

function ticked() {
  return [...document.querySelectorAll('#applicable-policies input:checked')].map((input) => input.value);
}

function renderPolicyChoices(policies, wanted = ticked()) {
  fill(
    $('applicable-policies'),
    policies.map((p) =>
      h('label', { class: p.enabled ? '' : 'hint', title: p.enabled ? p.policy_type : 'disabled: the service refuses to check it' },
        h('input', { type: 'checkbox', value: p.policy_name, checked: wanted.includes(p.policy_name) }), p.policy_name),
    ),
  );
}

/** Fills the inputs from a whole request, a decision (has trades) or a portfolio state (has positions). */
function loadInputs(value) {
  if (value?.decision || value?.portfolio_state) {
    if (value.decision) $('decision-input').value = readableJson(value.decision);
    if (value.portfolio_state) $('portfolio-input').value = readableJson(value.portfolio_state);
    renderPolicyChoices(knownPolicies(), value.applicable_policies ?? []);
  } else if (Array.isArray(value?.trades)) {
    $('decision-input').value = readableJson(value);
  } else if (Array.isArray(value?.positions)) {
    $('portfolio-input').value = readableJson(value);
  } else {
    throw new Error('the file holds neither a request, a decision (trades) nor a portfolio state (positions)');
  }
}

async function loadExamples() {
  const examples = await (await fetch('examples/index.json')).json();
  $('example-select').append(...examples.map((e) => h('option', { value: e.file }, e.title)));
}

async function pickExample() {
  const file = $('example-select').value;
  if (!file) return;
  try {
    loadInputs(await (await fetch(`examples/${file}`)).json());
    clearErrors();
  } catch (error) {
    say($('what-if-message'), `Could not load the example: ${error.message}`, 'error');
  }
}

async function loadFile(event) {
  const [file] = event.target.files;
  if (!file) return;
  try {
    loadInputs(JSON.parse(await file.text()));
    $('example-select').value = '';
    clearErrors();
  } catch (error) {
    say($('what-if-message'), `Could not load ${file.name}: ${error.message}`, 'error');
  }
  event.target.value = '';
}

function clearErrors() {
  for (const field of Object.values(FIELDS)) showFieldErrors(field(), []);
  say($('what-if-message'), '');
}

/** Parses one text box, reporting bad JSON next to it; undefined when it does not parse. */
function parseField(name, text) {
  try {
    return JSON.parse(text);
  } catch (error) {
    showFieldErrors(FIELDS[name](), [text.trim() ? `Not valid JSON: ${error.message}` : 'Required']);
    return undefined;
  }
}

async function run(event) {
  event.preventDefault();
  clearErrors();
  const decision = parseField('decision', $('decision-input').value);
  const portfolioState = parseField('portfolio_state', $('portfolio-input').value);
  if (decision === undefined || portfolioState === undefined) return;
  const request = { decision, portfolio_state: portfolioState, applicable_policies: ticked() };
  const button = $('what-if-run');
  button.disabled = true;
  try {
    const response = await api('POST', '/api/v1/validate', request);
    await renderWhatIfResult($('what-if-result'), request, response, knownPolicies());
  } catch (error) {
    const byField = detailsByField(error.details ?? []);
    for (const [name, field] of Object.entries(FIELDS)) {
      showFieldErrors(field(), byField.get(name) ?? []);
    }
    const elsewhere = byField.get('') ?? [];
    say($('what-if-message'), [`Not checked: ${error.summary ?? error.message}`, ...elsewhere].join(' · '), 'error');
  } finally {
    button.disabled = false;
  }
}

export function initWhatIf() {
  onPolicies((policies) => renderPolicyChoices(policies));
  $('example-select').addEventListener('change', pickExample);
  $('what-if-file').addEventListener('change', loadFile);
  $('what-if-form').addEventListener('submit', run);
  loadExamples().catch((error) => say($('what-if-message'), `Could not list the examples: ${error.message}`, 'error'));
}
