import { Type, type Static } from '@sinclair/typebox';

export const Severity = Type.Union(
  [Type.Literal('LOW'), Type.Literal('MEDIUM'), Type.Literal('HIGH'), Type.Literal('CRITICAL')],
  { description: 'How serious a violation is (contract section 5).' },
);
export type Severity = Static<typeof Severity>;

export const EnforcementLevel = Type.Union([Type.Literal('strict'), Type.Literal('advisory')], {
  description: 'strict violations block (is_compliant = false); advisory ones are reported only.',
});
export type EnforcementLevel = Static<typeof EnforcementLevel>;

export const PolicyType = Type.Union(
  [
    Type.Literal('POSITION_LIMIT'),
    Type.Literal('SECTOR_LIMIT'),
    Type.Literal('RISK_LIMIT'),
    Type.Literal('REGULATORY'),
    Type.Literal('INVESTMENT_MANDATE'),
  ],
);
export type PolicyType = Static<typeof PolicyType>;

export const ErrorDetail = Type.Object({
  path: Type.String({ description: 'JSON pointer into the request body (RFC 6901)' }),
  message: Type.String(),
});
export type ErrorDetail = Static<typeof ErrorDetail>;

export const ErrorBody = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String({ description: 'Stable code from the error registry, e.g. PES_INVALID_REQUEST' }),
    error: Type.String({ description: 'HTTP reason phrase' }),
    message: Type.String(),
    details: Type.Optional(Type.Array(ErrorDetail)),
    hint: Type.Optional(Type.String({ description: 'How to solve it' })),
    error_id: Type.Optional(Type.String({ description: 'Correlates a server-side failure with the logs' })),
  },
);
export type ErrorBody = Static<typeof ErrorBody>;
