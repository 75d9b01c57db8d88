// Calls to the service's API (same origin). Errors arrive as the registry's body:
// { statusCode, code, message, details?: [{ path, message }], hint? }.
import { askForKey, currentKey } from './auth.js';

class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code;
    this.details = body?.details ?? [];
    this.hint = body?.hint;
  }

  /** A route the service does not have (yet): the registry's PES_NOT_FOUND, not an unknown policy. */
  get missingRoute() {
    return this.status === 404 && this.code === 'PES_NOT_FOUND';
  }

  /** One line for a message box. */
  get summary() {
    if (this.status === 403) return `${this.message}. Your API key's role lacks this right (changing policies and resolving violations need admin).`;
    return this.hint ? `${this.message}. ${this.hint}` : this.message;
  }
}

/** Sends one request; a 401 asks for a key and retries with it until the key works or the user cancels. */
export async function api(method, path, body) {
  for (;;) {
    const headers = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const key = currentKey();
    if (key) headers['x-api-key'] = key;
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = { message: text.slice(0, 200) };
    }
    if (response.ok) return data;
    if (response.status === 401) {
      const reason = key ? 'The service did not accept that key. Enter another one.' : 'The service needs an API key.';
      if (await askForKey(reason)) continue;
    }
    throw new ApiError(response.status, data);
  }
}
