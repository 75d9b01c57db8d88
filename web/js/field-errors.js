// Placing the API's 400 details ({ path, message }, JSON-pointer paths) next to the fields they name.
import { fill, h } from './dom.js';

/** RFC 6901: '/rules/limits/Real~1Estate' → ['rules', 'limits', 'Real/Estate']. */
function pointerSegments(path) {
  if (!path) return [];
  return path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Segments back to a pointer. */
const toPointer = (segments) => segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');

/**
 * Shows `messages` in the `.field-errors` list inside `field` and marks the field; an empty
 * list clears it.
 */
export function showFieldErrors(field, messages) {
  field.classList.toggle('has-error', messages.length > 0);
  fill(field.querySelector('.field-errors'), messages.map((m) => h('li', {}, m)));
}

/**
 * Groups details by the field they belong to: the first path segment after `prefix` (e.g. prefix
 * ['rules'] maps '/rules/max_weight' to 'max_weight'). The rest of the path, if any, stays in
 * the message. Details outside the prefix, or naming the prefix itself, go under ''.
 */
export function detailsByField(details, prefix = []) {
  const byField = new Map();
  for (const detail of details) {
    const segments = pointerSegments(detail.path);
    const inside = prefix.every((s, i) => segments[i] === s) && segments.length > prefix.length;
    const field = inside ? segments[prefix.length] : '';
    const rest = inside ? toPointer(segments.slice(prefix.length + 1)) : detail.path;
    const message = rest ? `${rest}: ${detail.message}` : detail.message;
    if (!byField.has(field)) byField.set(field, []);
    byField.get(field).push(message);
  }
  return byField;
}
