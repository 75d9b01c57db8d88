import { serialize } from 'pg-protocol';
import { describe, expect, it } from 'vitest';
import { ExtendedQueryWriter } from '../../workers/extended-query.js';

/** pg-protocol, which PGlite's own query() path uses, is the reference for the bytes. */
const execute = (params: string[], statement = '') => [serialize.bind({ statement, values: params }), serialize.execute(), serialize.sync()];
const reference = (sql: string, params: string[]) => Buffer.concat([serialize.parse({ text: sql }), ...execute(params)]);
const UNNAMED = { name: '', prepared: false };

describe('ExtendedQueryWriter', () => {
  it.each([
    ['no parameter', 'SELECT 1', []],
    ['one ASCII parameter', 'SELECT pes_record_validation_batch($1::jsonb)', ['{"topic":"t","validations":[]}']],
    ['non-ASCII in SQL and parameters', "SELECT $1 || 'ü', $2", ['€ 12,40 — 北京', '😀 and a lone surrogate \ud800']],
    ['an empty parameter', 'SELECT $1', ['']],
  ])('writes the same bytes as pg-protocol: %s', (_, sql, params) => {
    expect(Buffer.from(new ExtendedQueryWriter().write(sql, params, UNNAMED))).toEqual(reference(sql, params));
  });

  it('closes and parses a named statement until it is prepared, then leaves both out', () => {
    const writer = new ExtendedQueryWriter();
    const sql = 'SELECT pes_record_validation_batch($1::jsonb)';
    expect(Buffer.from(writer.write(sql, ['{}'], { name: 'pes_run_1', prepared: false }))).toEqual(
      Buffer.concat([serialize.close({ type: 'S', name: 'pes_run_1' }), serialize.parse({ name: 'pes_run_1', text: sql }), ...execute(['{}'], 'pes_run_1')]),
    );
    expect(Buffer.from(writer.write(sql, ['{}'], { name: 'pes_run_1', prepared: true }))).toEqual(Buffer.concat(execute(['{}'], 'pes_run_1')));
  });

  it('writes every statement into the one buffer it keeps, a shorter one carrying nothing of a longer', () => {
    const writer = new ExtendedQueryWriter();
    const first = writer.write('SELECT $1', ['x'.repeat(10_000)], UNNAMED).buffer;
    const second = writer.write('SELECT $1', ['short'], UNNAMED);
    expect(second.buffer).toBe(first);
    expect(Buffer.from(second)).toEqual(reference('SELECT $1', ['short']));
  });

  it('gives a statement larger than the buffer it may keep a buffer of its own, and keeps its own', () => {
    const writer = new ExtendedQueryWriter(4096);
    const kept = writer.write('SELECT $1', ['small'], UNNAMED).buffer;
    const large = 'é'.repeat(200_000);
    const written = writer.write('SELECT $1', [large], UNNAMED);
    expect(Buffer.from(written)).toEqual(reference('SELECT $1', [large]));
    expect(written.buffer).not.toBe(kept);
    const after = writer.write('SELECT $1', ['small again'], UNNAMED);
    expect(after.buffer).toBe(kept);
    expect(Buffer.from(after)).toEqual(reference('SELECT $1', ['small again']));
  });

  it('grows the buffer it keeps for a statement that fits within the limit', () => {
    const writer = new ExtendedQueryWriter(1024 * 1024);
    const kept = writer.write('SELECT $1', ['small'], UNNAMED).buffer;
    const grown = writer.write('SELECT $1', ['y'.repeat(100_000)], UNNAMED).buffer;
    expect(grown).not.toBe(kept);
    expect(writer.write('SELECT $1', ['small'], UNNAMED).buffer).toBe(grown);
  });
});
