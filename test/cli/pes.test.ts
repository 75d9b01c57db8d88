import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/paths.js';
import { startTestApp, type TestApp } from '../support/app.js';

const PES = join(PROJECT_ROOT, 'dist', 'src', 'cli', 'pes.js');
const ADMIN_KEY = 'cli-admin-key-4a6c8e0b2d4f6a8c';
const VALIDATOR_KEY = 'cli-validator-key-9b1d3f5a7c9e1b3d';
const dir = mkdtempSync(join(tmpdir(), 'pes-cli-'));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const POLICIES = write('policies.yaml', `policies:
  - policy_name: position_limits
    policy_type: POSITION_LIMIT
    rules: { max_weight: 0.5 }
  - policy_name: tech_cap
    policy_type: SECTOR_LIMIT
    rules: { limits: { Technology: 0.6 } }
    enforcement_level: advisory
`);
const EXAMPLE = join(PROJECT_ROOT, 'test', 'fixtures', 'contract-example.json');
const example = JSON.parse(readFileSync(EXAMPLE, 'utf8'));

/** Runs the built `pes` command; never throws on a non-zero exit. */
async function pes(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [PES, ...args], { env: { PATH: process.env.PATH, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pes check', () => {
  it('accepts a valid file', async () => {
    expect(await pes(['check', POLICIES])).toEqual({ code: 0, stdout: `${POLICIES}: 2 valid policies: position_limits, tech_cap\n`, stderr: '' });
  });

  it('exits 1 and lists every problem by path', async () => {
    const bad = write('bad.json', JSON.stringify({ policies: [{ policy_name: 'a', policy_type: 'RISK_LIMIT', rules: { metric: 'beta', max: 'high' } }, { policy_name: 'b' }] }));
    const result = await pes(['check', bad]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`${bad}: 3 problems\n  /policies/0/rules/max: Expected number\n  /policies/1/policy_type: Expected required property\n  /policies/1/rules: Expected required property\n`);
  });

  it('exits 2 on a usage error', async () => {
    const result = await pes(['frobnicate', POLICIES]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pes: unknown command "frobnicate"');
    expect(result.stderr).toContain('Usage: pes <command>');
  });
});

describe('pes validate (offline)', () => {
  it('prints the response to the contract example and exits 1: not compliant', async () => {
    const result = await pes(['validate', EXAMPLE]);
    expect(result.code).toBe(1);
    const response = JSON.parse(result.stdout);
    expect(response).toMatchObject({ decision_id: 'decision_001', is_compliant: false, compliance_score: 0.25, policies_checked: ['position_limits', 'sector_limits'] });
    expect(response.violations.map((v: { violation_type: string }) => v.violation_type)).toEqual(['MAX_WEIGHT_EXCEEDED']);
  });

  it('checks against a policies file, exiting 0 when compliant', async () => {
    const loose = write('loose.yaml', `policies:
  - { policy_name: position_limits, policy_type: POSITION_LIMIT, rules: { max_weight: 0.5 } }
  - { policy_name: sector_limits, policy_type: SECTOR_LIMIT, rules: { max_weight: 0.9 } }
`);
    const result = await pes(['validate', EXAMPLE, '--policies', loose]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ is_compliant: true, violations: [] });
  });

  it('prints the error body and exits 2 for a request the service would refuse', async () => {
    const unknownPolicy = write('unknown-policy.json', JSON.stringify({ ...example, applicable_policies: ['no_such_policy'] }));
    const result = await pes(['validate', unknownPolicy]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stderr)).toMatchObject({ statusCode: 422, code: 'PES_UNKNOWN_POLICY', details: [{ path: '/applicable_policies/0' }] });
  });
});

describe('pes diff and pes apply against a running service', () => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await startTestApp({ env: { PES_API_KEYS: `ops:admin:${ADMIN_KEY},engine:validator:${VALIDATOR_KEY}` } });
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => t.close());

  it('diff shows what apply would change and exits 1', async () => {
    const result = await pes(['diff', POLICIES, '--url', url, '--key', VALIDATOR_KEY]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      [
        '+ create   tech_cap (SECTOR_LIMIT, advisory)',
        '~ replace  position_limits',
        '      rules.max_weight: 0.1 → 0.5',
        '· not in the file, left alone: risk_limits',
        '· not in the file, left alone: sector_limits',
        '',
      ].join('\n'),
    );
  });

  it('apply needs an admin key', async () => {
    const result = await pes(['apply', POLICIES, '--url', url], { PES_API_KEY: VALIDATOR_KEY });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('POST /api/v1/policies: HTTP 403 PES_FORBIDDEN');
  });

  it('apply creates and replaces, after which diff finds the service in sync', async () => {
    const applied = await pes(['apply', POLICIES, '--url', url], { PES_API_KEY: ADMIN_KEY });
    expect(applied).toMatchObject({ code: 0, stderr: '' });
    expect(applied.stdout).toBe('+ created  tech_cap\n~ replaced position_limits\napplied: 1 created, 1 replaced, 0 unchanged, 2 left alone\n');
    const policy = (await t.app.inject({ method: 'GET', url: '/api/v1/policies/tech_cap', headers: { 'x-api-key': VALIDATOR_KEY } })).json();
    expect(policy).toEqual({ policy_name: 'tech_cap', policy_type: 'SECTOR_LIMIT', rules: { limits: { Technology: 0.6 } }, enforcement_level: 'advisory', enabled: true });
    const diff = await pes(['diff', POLICIES, '--url', url, '--key', VALIDATOR_KEY]);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('= same     position_limits\n= same     tech_cap\n');
  });

  it('reports a service it cannot reach and exits 2', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await pes(['diff', POLICIES, '--url', `http://127.0.0.1:${port}`, '--key', VALIDATOR_KEY]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`pes: cannot reach http://127.0.0.1:${port}: ECONNREFUSED\n`);
  });
});
