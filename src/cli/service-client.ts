import type { ErrorBody } from '../schemas/common.js';
import type { PolicyDefinition } from '../schemas/policy.js';

/** A request the service refused (status ≥ 400), with its error body when it sent one. */
export class ServiceRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody | undefined,
    what: string,
  ) {
    super(`${what}: HTTP ${status}${body ? ` ${body.code}: ${body.message}` : ''}`);
    this.name = 'ServiceRequestError';
  }
}

/** The policy endpoints of a running service, as the `pes` command uses them. */
export class ServiceClient {
  private readonly base: URL;

  constructor(
    url: string,
    private readonly key: string | undefined,
  ) {
    this.base = new URL(url.endsWith('/') ? url : `${url}/`);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const target = new URL(path.replace(/^\//, ''), this.base);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.key) headers.authorization = `Bearer ${this.key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(target, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`cannot reach ${target.origin}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) {
      let parsed: ErrorBody | undefined;
      try {
        parsed = JSON.parse(text) as ErrorBody;
      } catch {
        parsed = undefined;
      }
      throw new ServiceRequestError(response.status, parsed, `${method} ${target.pathname}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  listPolicies(): Promise<PolicyDefinition[]> {
    return this.call('GET', '/api/v1/policies');
  }

  createPolicy(definition: PolicyDefinition): Promise<PolicyDefinition> {
    return this.call('POST', '/api/v1/policies', definition);
  }

  replacePolicy(definition: PolicyDefinition): Promise<PolicyDefinition> {
    const { policy_name, ...rest } = definition;
    return this.call('PUT', `/api/v1/policies/${encodeURIComponent(policy_name)}`, rest);
  }
}
