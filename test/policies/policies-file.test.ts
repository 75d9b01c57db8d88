import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, startServices } from '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { DEFAULT_POLICIES } from '../../src/policies/defaults.js';
import { PoliciesFileError, readPoliciesFile } from '../../src/policies/policies-file.js';
import { formatPlan, planPolicies } from '../../src/policies/policy-plan.js';

const dir = mkdtempSync(join(tmpdir(), 'pes-policies-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

const YAML_FILE = `# the desk's limits
policies:
  - policy_name: position_limits
    policy_type: POSITION_LIMIT
    rules: { max_weight: 0.08 }
  - policy_name: tech_cap
    policy_type: SECTOR_LIMIT
    rules:
      limits: { Technology: 0.25 }
    enforcement_level: advisory
`;

const problems = (file: string) => {
  try {
    readPoliciesFile(file);
  } catch (error) {
    expect(error).toBeInstanceOf(PoliciesFileError);
    return (error as PoliciesFileError).details;
  }
  throw new Error('the file was accepted');
};

describe('reading a policies file', () => {
  it('reads YAML, filling the defaults as the API does', () => {
    expect(readPoliciesFile(write('a.yaml', YAML_FILE))).toEqual([
      { policy_name: 'position_limits', policy_type: 'POSITION_LIMIT', rules: { max_weight: 0.08 }, enforcement_level: 'strict', enabled: true },
      { policy_name: 'tech_cap', policy_type: 'SECTOR_LIMIT', rules: { limits: { Technology: 0.25 } }, enforcement_level: 'advisory', enabled: true },
    ]);
  });

  it('reads JSON, as an object or a bare list', () => {
    const policy = { policy_name: 'p', policy_type: 'POSITION_LIMIT', rules: { max_weight: 0.2 }, enabled: false };
    const expected = [{ ...policy, enforcement_level: 'strict' }];
    expect(readPoliciesFile(write('b.json', JSON.stringify({ policies: [policy] })))).toEqual(expected);
    expect(readPoliciesFile(write('c.json', JSON.stringify([policy])))).toEqual(expected);
  });

  it('reports every problem with its JSON pointer', () => {
    const file = write('bad.yaml', `policies:
  - policy_name: a
    policy_type: POSITION_LIMIT
    rules: { max_weight: "ten percent" }
  - policy_name: b
    policy_type: SECTOR_LIMIT
    rules: { max_weight: 0.3, colour: red }
  - policy_name: a
    policy_type: POSITION_LIMIT
    rules: {}
  - policy_name: c
    policy_type: NOT_A_TYPE
    rules: {}
    enforcement: strict
`);
    expect(problems(file).map((d) => d.path)).toEqual([
      '/policies/0/rules/max_weight',
      '/policies/1/rules/colour',
      '/policies/2/policy_name',
      '/policies/3/enforcement',
      '/policies/3/policy_type',
    ]);
    expect(problems(file)[2].message).toBe('"a" is also entry 0');
  });

  it.each([
    ['broken.yaml', 'policies: [ {', /^not valid YAML: /],
    ['broken.json', '{"policies": [', /^not valid JSON: /],
    ['wrong.yaml', 'policy_name: a', /^must be an object with one key, "policies"/],
    ['extra.yaml', 'policies: []\nprune: true', /^must be an object with one key, "policies"/],
  ])('rejects %s as a whole', (name, text, message) => {
    const [detail] = problems(write(name, text));
    expect(detail.path).toBe('');
    expect(detail.message).toMatch(message);
  });
});

describe('planning', () => {
  it('creates, replaces (naming each change), keeps, and leaves unlisted policies alone', () => {
    const desired = readPoliciesFile(write('plan.yaml', YAML_FILE));
    const current = DEFAULT_POLICIES.map((p) => ({ ...p, rules: { ...p.rules } }));
    const plan = planPolicies([...desired, current[1]], current);
    expect(plan.create.map((p) => p.policy_name)).toEqual(['tech_cap']);
    expect(plan.replace.map((r) => [r.after.policy_name, r.changes])).toEqual([['position_limits', ['rules.max_weight: 0.1 → 0.08']]]);
    expect(plan.unchanged).toEqual(['sector_limits']);
    expect(plan.unmanaged).toEqual(['risk_limits']);
    expect(formatPlan(plan)).toBe(
      [
        '+ create   tech_cap (SECTOR_LIMIT, advisory)',
        '~ replace  position_limits',
        '      rules.max_weight: 0.1 → 0.08',
        '= same     sector_limits',
        '· not in the file, left alone: risk_limits',
      ].join('\n'),
    );
  });

  it('ignores the order of keys in rules', () => {
    const a = { policy_name: 'x', policy_type: 'SECTOR_LIMIT' as const, rules: { group_by: 'country', limits: { US: 0.5, GB: 0.2 } }, enforcement_level: 'strict' as const, enabled: true };
    const b = { ...a, rules: { limits: { GB: 0.2, US: 0.5 }, group_by: 'country' } };
    expect(planPolicies([a], [b]).unchanged).toEqual(['x']);
  });
});

describe('PES_POLICIES_FILE at start', () => {
  const start = async (env: NodeJS.ProcessEnv) => {
    const services = await startServices(loadConfig({ PES_WORKERS: '1', PES_LOG_LEVEL: 'silent', ...env }));
    const app = await buildApp(services);
    const names = (await app.inject({ method: 'GET', url: '/api/v1/policies' })).json().map((p: { policy_name: string }) => p.policy_name);
    const version = services.policies.version;
    await app.close();
    return { names, version, plan: services.appliedPolicies };
  };

  it('on a new store, the file takes the place of the default policies', async () => {
    const { names } = await start({ PES_DATA_DIR: 'memory://', PES_POLICIES_FILE: write('first.yaml', YAML_FILE) });
    expect(names).toEqual(['position_limits', 'tech_cap']);
  });

  it('on an existing store, creates and replaces what it lists, leaves the rest, and does not churn on restart', async () => {
    const dataDir = join(dir, 'store');
    const before = await start({ PES_DATA_DIR: dataDir });
    expect(before.names).toEqual(['position_limits', 'risk_limits', 'sector_limits']);
    const file = write('later.yaml', YAML_FILE);
    const applied = await start({ PES_DATA_DIR: dataDir, PES_POLICIES_FILE: file });
    expect(applied.names).toEqual(['position_limits', 'risk_limits', 'sector_limits', 'tech_cap']);
    expect(applied.version).toBe(before.version + 2);
    const again = await start({ PES_DATA_DIR: dataDir, PES_POLICIES_FILE: file });
    expect(again.version).toBe(applied.version);
    expect(again.plan).toMatchObject({ create: [], replace: [], unchanged: ['position_limits', 'tech_cap'] });
  });

  it('refuses to start on a file with errors, naming the variable and each path', async () => {
    const file = write('broken-start.yaml', 'policies:\n  - policy_name: p\n    policy_type: POSITION_LIMIT\n    rules: { max_weight: high }\n');
    const failure = startServices(loadConfig({ PES_WORKERS: '1', PES_DATA_DIR: 'memory://', PES_POLICIES_FILE: file }));
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow(`Invalid configuration: PES_POLICIES_FILE (${file}: 1 problem\n  /policies/0/rules/max_weight: Expected number)`);
  });
});
