import { serialize } from 'pg-protocol';
import { describe, expect, it } from 'vitest';
import { ExtendedQueryWriter } from '../../workers/extended-query.js';

/** pg-protocol, which PGlite's own query() path uses, is the reference for the bytes. */
const reference = (sql: string, params: string[]) =>
  Buffer.concat([serialize.parse({ text: sql }), serialize.bind({ values: params }), serialize.execute(), serialize.sync()]);

describe('ExtendedQueryWriter', () => {
  it.each([
    ['no parameter', 'SELECT 1', []],
    ['one ASCII parameter', 'SELECT pes_record_validation_batch($1::jsonb)', ['{"topic":"t","validations":[]}']],
    ['non-ASCII in SQL and parameters', "SELECT $1 || 'ü', $2", ['€ 12,40 — 北京', '😀 and a lone surrogate \ud800']],
    ['an empty parameter', 'SELECT $1', ['']],
  ])('writes the same bytes as pg-protocol: %s', (_, sql, params) => {
    expect(Buffer.from(new ExtendedQueryWriter().write(sql, params))).toEqual(reference(sql, params));
  });

  it('reuses its buffer: a shorter statement after a longer one carries nothing of it', () => {
    const writer = new ExtendedQueryWriter();
    writer.write('SELECT $1', ['x'.repeat(10_000)]);
    expect(Buffer.from(writer.write('SELECT $1', ['short']))).toEqual(reference('SELECT $1', ['short']));
  });

  it('writes a statement larger than the buffer it keeps, and keeps working after it', () => {
    const writer = new ExtendedQueryWriter(1024);
    const large = 'é'.repeat(200_000);
    expect(Buffer.from(writer.write('SELECT $1', [large]))).toEqual(reference('SELECT $1', [large]));
    expect(Buffer.from(writer.write('SELECT $1', ['small']))).toEqual(reference('SELECT $1', ['small']));
  });

  it('names a statement to prepare, and leaves the Parse out once it is prepared', () => {
    const writer = new ExtendedQueryWriter();
    const sql = 'SELECT pes_record_validation_batch($1::jsonb)';
    const bind = [serialize.bind({ statement: 'pes_run_1', values: ['{}'] }), serialize.execute(), serialize.sync()];
    expect(Buffer.from(writer.write(sql, ['{}'], { name: 'pes_run_1', prepared: false }))).toEqual(
      Buffer.concat([serialize.parse({ name: 'pes_run_1', text: sql }), ...bind]),
    );
    expect(Buffer.from(writer.write(sql, ['{}'], { name: 'pes_run_1', prepared: true }))).toEqual(Buffer.concat(bind));
  });

  it('closes a prepared statement', () => {
    expect(Buffer.from(new ExtendedQueryWriter().close('pes_run_1'))).toEqual(
      Buffer.concat([serialize.close({ type: 'S', name: 'pes_run_1' }), serialize.sync()]),
    );
  });
});
