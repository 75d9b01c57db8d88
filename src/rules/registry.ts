import type { PolicyType } from '../schemas/common.js';
import { investmentMandate } from './investment-mandate.js';
import { positionLimit } from './position-limit.js';
import { regulatory } from './regulatory.js';
import { riskLimit } from './risk-limit.js';
import { sectorLimit } from './sector-limit.js';
import type { RuleModule } from './types.js';

/** policy_type → the module that validates and compiles its rules. */
export const RULE_MODULES: Partial<Record<PolicyType, RuleModule>> = {
  POSITION_LIMIT: positionLimit as unknown as RuleModule,
  SECTOR_LIMIT: sectorLimit as unknown as RuleModule,
  RISK_LIMIT: riskLimit as unknown as RuleModule,
  REGULATORY: regulatory as unknown as RuleModule,
  INVESTMENT_MANDATE: investmentMandate as unknown as RuleModule,
};
