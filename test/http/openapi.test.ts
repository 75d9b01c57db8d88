import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_POLICY, EXAMPLE_REQUEST, EXAMPLE_RESPONSE } from '../../src/schemas/examples.js';
import { PolicyInput } from '../../src/schemas/policy.js';
import { ValidationRequest, ValidationResponse } from '../../src/schemas/validation.js';
import { startTestApp, type TestApp } from '../support/app.js';

const contractExample = JSON.parse(readFileSync(new URL('../fixtures/contract-example.json', import.meta.url), 'utf8'));
const contractResponse = JSON.parse(readFileSync(new URL('../fixtures/contract-example-response.json', import.meta.url), 'utf8'));

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('the OpenAPI document at /docs/json', () => {
  it('shows the contract example request and response on POST /api/v1/validate', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const validate = doc.paths['/api/v1/validate'].post;
    expect(validate.requestBody.content['application/json'].example).toEqual(contractExample);
    expect(validate.responses['200'].content['application/json'].example).toEqual(contractResponse);
    expect(doc.paths['/api/v1/policies'].post.requestBody.content['application/json'].example).toEqual(EXAMPLE_POLICY);
  });

  it('declares the headers POST /api/v1/validate answers with', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const { responses } = doc.paths['/api/v1/validate'].post;
    expect(Object.keys(responses['200'].headers)).toEqual(['Server-Timing', 'X-PES-Worker']);
    expect(responses['200'].headers['Server-Timing'].schema).toMatchObject({ type: 'string' });
    expect(responses['5XX'].headers['Retry-After'].schema).toEqual({ type: 'integer' });
    expect(responses['4XX'].headers['Retry-After'].description).toMatch(/429/);
  });

  it('has examples that satisfy their own schemas', () => {
    expect(EXAMPLE_REQUEST).toEqual(contractExample);
    expect(EXAMPLE_RESPONSE).toEqual(contractResponse);
    expect([...Value.Errors(ValidationRequest, EXAMPLE_REQUEST)]).toEqual([]);
    expect([...Value.Errors(ValidationResponse, EXAMPLE_RESPONSE)]).toEqual([]);
    expect([...Value.Errors(PolicyInput, EXAMPLE_POLICY)]).toEqual([]);
  });

  it('declares both ways of sending a key', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(doc.components.securitySchemes).toEqual({
      apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
      bearer: { type: 'http', scheme: 'bearer' },
    });
    expect(doc.paths['/metrics'].get.responses['200'].content).toHaveProperty('text/plain');
  });
});
