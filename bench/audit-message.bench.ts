/**
 * The audit write's protocol message on the database thread: the statement and its batch document
 * as Parse, Bind, Execute and Sync, by pg-protocol's serializer joined with Buffer.concat (before)
 * and by ExtendedQueryWriter into a buffer it keeps (workers/extended-query.ts), for batches of 1,
 * 16 and 256 typical records, all ASCII and with one non-ASCII character. Both write the unnamed
 * statement's messages, the same bytes; the service's, once its statement is prepared, leave the
 * ~60 bytes of Parse out.
 * Run alone: npx tsx bench/audit-message.bench.ts [--quick]
 */
import { Bench } from 'tinybench';
import { serialize } from 'pg-protocol';
import { batchDocument, prepareRecord } from '../src/storage/audit-record.js';
import type { ValidationResponse } from '../src/schemas/validation.js';
import { ExtendedQueryWriter } from '../workers/extended-query.js';
import { fixed, saveResult, summarise } from './support/results.js';

const quick = process.argv.includes('--quick') || process.env.PES_BENCH_QUICK === '1';
const SQL = 'SELECT pes_record_validation_batch($1::jsonb)';

/** A typical record: two violations, a ten-trade decision. */
function record(i: number, description: string) {
  const decision_id = `bench-${i}`;
  const violation = {
    policy_name: 'position_limits', violation_type: 'MAX_WEIGHT_EXCEEDED', severity: 'HIGH' as const, description,
    subject: 'AAPL', observed: 0.124, limit: 0.1, pre_trade: 0.08, enforcement_level: 'strict' as const,
  };
  const response: ValidationResponse = {
    decision_id, is_compliant: false, violations: [violation, { ...violation, subject: 'MSFT' }], compliance_score: 0.25,
    recommendations: ['Reduce the AAPL buy from 440 to 200 to stay within position_limits'], policies_checked: ['position_limits', 'sector_limits'],
  };
  const trades = Array.from({ length: 10 }, (_, t) => ({ symbol: `SYM${t}`, side: 'BUY', quantity: 100 + t, price: 50 + t }));
  return prepareRecord({ response, portfolioId: 'fund-a', decisionJson: JSON.stringify({ decision_id, trades }), policySetVersion: 1 });
}

const writer = new ExtendedQueryWriter();
const rows: Array<Record<string, number | string>> = [];
for (const records of [1, 16, 256]) {
  for (const [text, description] of [['ASCII', 'AAPL would be 12.40% of NAV'], ['one non-ASCII character', 'AAPL would be 12.40% of NAV €']]) {
    const doc = batchDocument(Array.from({ length: records }, (_, i) => record(i, i === 0 ? description : 'AAPL would be 12.40% of NAV')), 'topic');
    const bench = new Bench({ time: quick ? 100 : 500, warmupTime: quick ? 30 : 100 });
    bench.add('pg-protocol + Buffer.concat', () => {
      Buffer.concat([serialize.parse({ text: SQL }), serialize.bind({ values: [doc] }), serialize.execute(), serialize.sync()]);
    });
    bench.add('ExtendedQueryWriter', () => {
      writer.write(SQL, [doc], { name: '', prepared: false });
    });
    await bench.run();
    const [before, now] = bench.tasks.map(summarise);
    rows.push({
      records, text, bytes: Buffer.byteLength(doc),
      'pg-protocol + concat, µs': Number(fixed(before.meanMs * 1000, 2)),
      'ExtendedQueryWriter, µs': Number(fixed(now.meanMs * 1000, 2)),
      'times faster': Number(fixed(before.meanMs / now.meanMs, 1)),
    });
  }
}
console.table(rows);
saveResult('audit-message', { unit: 'µs per message (mean)', rows });
