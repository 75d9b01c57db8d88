// Building DOM nodes without innerHTML: every value from the service lands as text, never as markup.

/**
 * h('td', { class: 'num', onclick: fn, dataset: { id } }, 'text', childNode, [more, children])
 * Attributes named on* become listeners; `false`, null and undefined attributes and children are skipped.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name === 'style') Object.assign(element.style, value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces an element's children. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** Shows a message in a `.message` paragraph, or hides it when text is empty. */
export function say(element, text, kind = 'info') {
  element.hidden = !text;
  element.textContent = text ?? '';
  element.className = `message ${kind}`;
}

export const severityBadge = (severity) => h('span', { class: `badge sev-${severity}` }, severity);
export const levelBadge = (level) => h('span', { class: `badge level-${level}` }, level);
