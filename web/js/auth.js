// The API key: entered once, kept in sessionStorage (gone when the browser session ends), sent as x-api-key.
// On loopback without configured keys the service never asks, and no key is needed.

const STORAGE_KEY = 'pes.api-key';
let pendingPrompt = null;

export const currentKey = () => sessionStorage.getItem(STORAGE_KEY);

function setKey(key) {
  if (key) sessionStorage.setItem(STORAGE_KEY, key);
  else sessionStorage.removeItem(STORAGE_KEY);
  showKeyState();
}

function showKeyState() {
  const key = currentKey();
  document.getElementById('key-state').textContent = key ? `API key ••••${key.slice(-4)}` : 'No API key';
  document.getElementById('key-change').textContent = key ? 'Change' : 'Enter key';
  document.getElementById('key-forget').hidden = !key;
}

/**
 * Asks for a key in a modal dialog; resolves to true when one was entered. Requests that get a 401
 * at the same time share one prompt.
 */
export function askForKey(reason) {
  pendingPrompt ??= new Promise((resolve) => {
    const dialog = document.getElementById('key-dialog');
    const input = document.getElementById('key-input');
    document.getElementById('key-dialog-reason').textContent = reason;
    input.value = '';
    dialog.addEventListener(
      'close',
      () => {
        pendingPrompt = null;
        const entered = dialog.returnValue === 'ok' && input.value.trim() !== '';
        if (entered) setKey(input.value.trim());
        resolve(entered);
      },
      { once: true },
    );
    dialog.showModal();
  });
  return pendingPrompt;
}

/** Wires the masthead's key controls; `onChange` reloads what the new key may see. */
export function initAuth(onChange) {
  showKeyState();
  document.getElementById('key-change').addEventListener('click', async () => {
    if (await askForKey('Enter the API key to use for this browser session.')) onChange();
  });
  document.getElementById('key-forget').addEventListener('click', () => {
    setKey(null);
    onChange();
  });
}
