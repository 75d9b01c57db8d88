import type { ErrorBody, ErrorDetail } from './schemas/common.js';

/**
 * The one error registry: every error a caller can see has a stable code, an HTTP status, a
 * message and a hint on how to solve it. docs/errors.md is checked against this table by a test.
 */
export const ERRORS = {
  PES_INVALID_REQUEST: { status: 400, message: 'The request body does not match its schema', hint: 'Fix the fields named in details; paths are JSON pointers into the body.' },
  PES_INVALID_RULES: { status: 400, message: 'The policy rules do not fit the policy type', hint: 'See docs/policies.md for the rules each policy_type accepts.' },
  PES_INVALID_JSON: { status: 400, message: 'The body is not valid JSON', hint: 'Send application/json.' },
  PES_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported content type', hint: 'Send Content-Type: application/json.' },
  PES_UNAUTHORIZED: { status: 401, message: 'Missing or invalid API key', hint: 'Send the key in the x-api-key header or as Authorization: Bearer <key>.' },
  PES_FORBIDDEN: { status: 403, message: 'The key\'s role lacks this right', hint: 'Policy changes and resolving violations need the admin role.' },
  PES_NOT_FOUND: { status: 404, message: 'Not found', hint: 'Check the path.' },
  PES_POLICY_NOT_FOUND: { status: 404, message: 'Unknown policy', hint: 'GET /api/v1/policies lists the policies.' },
  PES_VIOLATION_NOT_FOUND: { status: 404, message: 'Unknown violation', hint: 'GET /api/v1/violations lists the violations.' },
  PES_POLICY_EXISTS: { status: 409, message: 'A policy with this name exists', hint: 'Use PUT /api/v1/policies/{name} to replace it.' },
  PES_BODY_TOO_LARGE: { status: 413, message: 'The body is larger than the service accepts', hint: 'Raise PES_BODY_LIMIT or split the request.' },
  PES_UNKNOWN_POLICY: { status: 422, message: 'An applicable policy does not exist or is disabled', hint: 'Name enabled policies only, or send an empty list for all of them.' },
  PES_MISSING_PRICE: { status: 422, message: 'A symbol has no price anywhere', hint: 'Give a price on the position, in instruments, or on the trade.' },
  PES_NON_POSITIVE_NAV: { status: 422, message: 'The portfolio NAV is not positive', hint: 'Weights are fractions of NAV; NAV = cash + Σ quantity × mark must be > 0 before and after the trades.' },
  PES_NOT_FINITE: { status: 422, message: 'A value computed from the request is not a finite number', hint: 'Every number must be finite: quantity × price (or their sum, the NAV) overflows a 64-bit float. Check the units.' },
  PES_PORTFOLIO_MISMATCH: { status: 422, message: 'The decision and the portfolio state name different portfolios', hint: 'Send the state of the portfolio the decision trades.' },
  PES_DUPLICATE_POSITION: { status: 422, message: 'A symbol appears in more than one position', hint: 'Send one position per symbol.' },
  PES_INVALID_RISK_MODEL: { status: 422, message: 'The risk model is not a square symmetric matrix over its symbols', hint: 'covariance[i][j] must equal covariance[j][i], one row and column per symbol.' },
  // Solver outcomes: written into recommendations of a 200 response, never sent as an HTTP error.
  PES_SOLVER_INFEASIBLE: { status: 422, message: 'No resizing of the trades satisfies every strict policy', hint: 'The recommendation names what blocks it; change the portfolio data, the trades or the policies.' },
  PES_SOLVER_UNBOUNDED: { status: 422, message: 'The adjustment model is unbounded', hint: 'Every trade is bounded by its proposed size, so this is a modelling error: report it with the decision_id.' },
  PES_SOLVER_FAILED: { status: 500, message: 'HiGHS and GLPK both failed on the adjustment model', hint: 'The validation result stands; retry for a suggested adjustment, and report the decision_id if it persists.' },
  PES_RATE_LIMITED: { status: 429, message: 'Too many requests', hint: 'Slow down; see Retry-After.' },
  PES_OVERLOADED: { status: 503, message: 'The service is overloaded', hint: 'Retry after the number of seconds in Retry-After.' },
  PES_STORE_UNAVAILABLE: { status: 503, message: 'The audit store is unavailable; no validation is approved unrecorded', hint: 'Retry once the database is back.' },
  PES_WORKER_FAILED: { status: 500, message: 'A validation worker failed', hint: 'Retry; report the error_id if it persists.' },
  PES_INTERNAL: { status: 500, message: 'Internal error', hint: 'Report the error_id.' },
} as const satisfies Record<string, { status: number; message: string; hint: string }>;

export type ErrorCode = keyof typeof ERRORS;

const REASONS: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict',
  413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity',
  429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

/** An error a caller should see, with its registry code; `cause` passes through for the logs. */
export class ServiceError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly details?: ErrorDetail[];

  constructor(code: ErrorCode, message?: string, details?: ErrorDetail[], options?: { cause?: unknown }) {
    super(message ?? ERRORS[code].message, options);
    this.name = 'ServiceError';
    this.code = code;
    this.statusCode = ERRORS[code].status;
    if (details) this.details = details;
  }
}

export function errorBody(code: ErrorCode, message?: string, details?: ErrorDetail[]): ErrorBody {
  const entry = ERRORS[code];
  const body: ErrorBody = {
    statusCode: entry.status,
    code,
    error: REASONS[entry.status] ?? 'Error',
    message: message ?? entry.message,
  };
  if (details && details.length > 0) body.details = details;
  body.hint = entry.hint;
  return body;
}

/** A JSON pointer (RFC 6901) from path segments. */
export function pointer(...segments: Array<string | number>): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}
