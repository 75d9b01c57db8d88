import { toPolicyDefinition } from '../../src/policies/validate-definition.js';
import type { PolicyType } from '../../src/schemas/common.js';

/**
 * What the engine's registry accepts right now, probed through the same validation the API uses,
 * so the property tests generate only supported rules and widen on their own as rules land.
 */
function accepts(policy_type: PolicyType, rules: Record<string, unknown>): boolean {
  try {
    toPolicyDefinition({ policy_name: 'probe', policy_type, rules });
    return true;
  } catch {
    return false;
  }
}

export const RISK_METRIC_NAMES = ['beta', 'gross_exposure', 'net_exposure', 'hhi', 'volatility', 'var', 'liquidity_days'] as const;
export type RiskMetricName = (typeof RISK_METRIC_NAMES)[number];

/** The smallest valid rules of each REGULATORY rule, from the contract. */
const REGULATORY_PROBES = {
  UCITS_5_10_40: {},
  DIVERSIFIED_75_5_10: {},
  RESTRICTED_LIST: { symbols: ['X'] },
  SHORT_SALE_BAN: {},
  OWNERSHIP_LIMIT: { max_fraction: 0.1 },
} as const;
export type RegulatoryRuleName = keyof typeof REGULATORY_PROBES;

/** One valid value of each INVESTMENT_MANDATE key, from the contract. */
const MANDATE_PROBES = {
  allowed_asset_classes: ['EQUITY'],
  excluded_symbols: ['X'],
  excluded_issuers: ['X'],
  excluded_sectors: ['X'],
  excluded_countries: ['X'],
  long_only: true,
  min_cash_weight: 0.01,
  max_cash_weight: 0.5,
  max_positions: 10,
  min_rating: 'BBB-',
} as const;
export type MandateKey = keyof typeof MANDATE_PROBES;

export interface Supported {
  positionLimit: boolean;
  sectorLimit: boolean;
  riskMetrics: RiskMetricName[];
  regulatoryRules: RegulatoryRuleName[];
  mandateKeys: MandateKey[];
}

export function probeSupported(): Supported {
  return {
    positionLimit: accepts('POSITION_LIMIT', { max_weight: 0.1 }),
    sectorLimit: accepts('SECTOR_LIMIT', { max_weight: 0.3 }),
    riskMetrics: RISK_METRIC_NAMES.filter((metric) => accepts('RISK_LIMIT', { metric, max: 1 })),
    regulatoryRules: (Object.keys(REGULATORY_PROBES) as RegulatoryRuleName[]).filter((rule) =>
      accepts('REGULATORY', { rule, ...REGULATORY_PROBES[rule] }),
    ),
    mandateKeys: (Object.keys(MANDATE_PROBES) as MandateKey[]).filter((key) => accepts('INVESTMENT_MANDATE', { [key]: MANDATE_PROBES[key] })),
  };
}
