import type { PolicyType } from '../../schemas/common.js';
import type { Linearizer } from './context.js';
import { investmentMandate } from './investment-mandate.js';
import { positionLimit } from './position-limit.js';
import { regulatory } from './regulatory.js';
import { riskLimit } from './risk-limit.js';
import { sectorLimit } from './sector-limit.js';

/** policy_type → its linearizer. A type missing here is reported as not covered, never ignored. */
export const LINEARIZERS: Partial<Record<PolicyType, Linearizer>> = {
  POSITION_LIMIT: positionLimit,
  SECTOR_LIMIT: sectorLimit,
  RISK_LIMIT: riskLimit,
  REGULATORY: regulatory,
  INVESTMENT_MANDATE: investmentMandate,
};
