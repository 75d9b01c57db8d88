#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { errorBody } from '../errors.js';
import { DEFAULT_POLICIES } from '../policies/defaults.js';
import { PoliciesFileError, readPoliciesFile } from '../policies/policies-file.js';
import { formatPlan, planIsEmpty, planPolicies } from '../policies/policy-plan.js';
import { sharePolicySet } from '../policies/shared-policy-set.js';
import validateInWorker from '../../workers/validation.worker.js';
import { ServiceClient, ServiceRequestError } from './service-client.js';

const USAGE = `Usage: pes <command> [options]

Commands:
  check <policies-file>                         check a policies file (JSON or YAML) offline
  diff <policies-file> --url URL [--key KEY]    show what apply would change on a running service
  apply <policies-file> --url URL [--key KEY]   create or replace the listed policies; others are left alone
  validate <decision-file> [--policies FILE]    validate a request (decision + portfolio_state) offline
                                                with the service's own engine; prints the response

Options:
  --url URL        the service, e.g. http://127.0.0.1:8080
  --key KEY        API key (default: $PES_API_KEY); apply needs an admin key
  --policies FILE  the policies validate checks against (default: the service's default set)
  --help

Exit codes: 0 valid, in sync, applied, compliant; 1 policies file invalid or unreadable, differences,
change refused, not compliant; 2 usage error, decision file unreadable or rejected, service unreachable.`;

/** The command line was wrong or an input could not be used: exit code 2. */
class UsageError extends Error {}

interface Options {
  readonly url?: string;
  readonly key?: string;
  readonly policies?: string;
}

const print = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
const printError = (text: string) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);

function clientFor(options: Options): ServiceClient {
  if (!options.url) throw new UsageError('--url is required');
  return new ServiceClient(options.url, options.key);
}

function check(file: string): number {
  const policies = readPoliciesFile(file);
  print(`${file}: ${policies.length} valid ${policies.length === 1 ? 'policy' : 'policies'}: ${policies.map((p) => p.policy_name).join(', ')}`);
  return 0;
}

async function diff(file: string, options: Options): Promise<number> {
  const desired = readPoliciesFile(file);
  const plan = planPolicies(desired, await clientFor(options).listPolicies());
  print(formatPlan(plan) || '(no policies on either side)');
  return planIsEmpty(plan) ? 0 : 1;
}

async function apply(file: string, options: Options): Promise<number> {
  const desired = readPoliciesFile(file);
  const client = clientFor(options);
  const plan = planPolicies(desired, await client.listPolicies());
  try {
    for (const policy of plan.create) {
      await client.createPolicy(policy);
      print(`+ created  ${policy.policy_name}`);
    }
    for (const { after } of plan.replace) {
      await client.replacePolicy(after);
      print(`~ replaced ${after.policy_name}`);
    }
  } catch (error) {
    if (!(error instanceof ServiceRequestError)) throw error;
    printError(error.message);
    if (error.body?.details) for (const d of error.body.details) printError(`  ${d.path || '/'}: ${d.message}`);
    return 1;
  }
  print(`applied: ${plan.create.length} created, ${plan.replace.length} replaced, ${plan.unchanged.length} unchanged, ${plan.unmanaged.length} left alone`);
  return 0;
}

async function validate(file: string, options: Options): Promise<number> {
  let body: Uint8Array;
  try {
    body = readFileSync(file);
  } catch (error) {
    throw new UsageError(`${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const definitions = options.policies ? readPoliciesFile(options.policies) : DEFAULT_POLICIES;
  // The worker's own entry point, run on this thread: the same parsing, checks and engine as the service.
  const outcome = await validateInWorker({ body, policySet: sharePolicySet(1, definitions) });
  if (!outcome.ok) {
    printError(JSON.stringify(errorBody(outcome.code, outcome.message, outcome.details), null, 2));
    return 2;
  }
  print(JSON.stringify(JSON.parse(outcome.responseJson), null, 2));
  return outcome.summary.is_compliant ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      key: { type: 'string' },
      policies: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    print(USAGE);
    return 0;
  }
  const [command, file, ...extra] = positionals;
  if (!command || !file || extra.length > 0) throw new UsageError(command ? `${command} takes exactly one file` : 'no command');
  const options: Options = { url: values.url, key: values.key ?? process.env.PES_API_KEY, policies: values.policies };
  switch (command) {
    case 'check':
      return check(file);
    case 'diff':
      return diff(file, options);
    case 'apply':
      return apply(file, options);
    case 'validate':
      return validate(file, options);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof PoliciesFileError) {
      printError(error.message);
      process.exitCode = 1;
    } else if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      printError(`pes: ${(error as Error).message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else {
      printError(`pes: ${(error as Error).message}`);
      process.exitCode = 2;
    }
  },
);
