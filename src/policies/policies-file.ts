import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { parse as parseYaml } from 'yaml';
import { ServiceError } from '../errors.js';
import { schemaErrors } from '../schemas/check.js';
import type { ErrorDetail } from '../schemas/common.js';
import { PolicyInput, type PolicyDefinition } from '../schemas/policy.js';
import { toPolicyDefinition } from './validate-definition.js';

/**
 * Policy as code: a file holding `{ "policies": [PolicyDefinition, ...] }` (or the bare list),
 * in JSON or YAML (.yaml/.yml; any other extension is read as YAML, which includes JSON).
 * Every entry is checked exactly as POST /api/v1/policies checks it.
 */
export class PoliciesFileError extends Error {
  constructor(
    readonly file: string,
    readonly details: ErrorDetail[],
  ) {
    super(`${file}: ${details.length} problem${details.length === 1 ? '' : 's'}\n` + details.map((d) => `  ${d.path || '/'}: ${d.message}`).join('\n'));
    this.name = 'PoliciesFileError';
  }
}

const inputChecker = TypeCompiler.Compile(PolicyInput);

function parseText(file: string, text: string): unknown {
  try {
    return extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new PoliciesFileError(file, [{ path: '', message: `not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}` }]);
  }
}

/** The policies a parsed document lists, checked; every problem is reported with its JSON pointer. */
export function policiesFromDocument(file: string, document: unknown): PolicyDefinition[] {
  const bare = Array.isArray(document);
  const list = bare ? document : (document as { policies?: unknown } | null)?.policies;
  if (!Array.isArray(list) || (!bare && Object.keys(document as object).length !== 1)) {
    throw new PoliciesFileError(file, [{ path: '', message: 'must be an object with one key, "policies", holding a list (or the bare list)' }]);
  }
  const details: ErrorDetail[] = [];
  const definitions: PolicyDefinition[] = [];
  const firstIndex = new Map<string, number>();
  list.forEach((entry: unknown, index) => {
    const base = bare ? `/${index}` : `/policies/${index}`;
    const schemaProblems = schemaErrors(inputChecker, entry, base);
    if (schemaProblems.length > 0) {
      details.push(...schemaProblems);
      return;
    }
    const input = entry as PolicyInput;
    const seen = firstIndex.get(input.policy_name);
    if (seen !== undefined) {
      details.push({ path: `${base}/policy_name`, message: `"${input.policy_name}" is also entry ${seen}` });
      return;
    }
    firstIndex.set(input.policy_name, index);
    try {
      definitions.push(toPolicyDefinition(input, base));
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      details.push(...(error.details ?? [{ path: base, message: error.message }]));
    }
  });
  if (details.length > 0) throw new PoliciesFileError(file, details);
  return definitions;
}

export function readPoliciesFile(file: string): PolicyDefinition[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PoliciesFileError(file, [{ path: '', message: `cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }]);
  }
  return policiesFromDocument(file, parseText(file, text));
}
