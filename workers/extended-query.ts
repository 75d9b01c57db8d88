/**
 * One statement as the PostgreSQL wire protocol's Parse, Bind, Execute and Sync messages, written
 * into one buffer kept between calls. pg-protocol's serializer allocates a buffer per message,
 * grows the Bind message's by copying, and Buffer.concat joins them in another: ~6 KB of
 * short-lived Buffers per audit record, which V8 counts as external memory until a scavenge, and
 * which started a third of the database thread's mark-compacts (13–14 against 8–9 per 15,000 lone
 * records, pauses 36–53 against 23–33 ms in all, three alternating runs). Writing in place is also
 * faster: 2.6–9× for a lone ASCII record, 5–33× for a batch of 256, 1.1–5.3× when the text holds a
 * non-ASCII character (bench/audit-message.bench.ts).
 *
 * Parameters are text, with unspecified types (the SQL casts them); results are asked for in text.
 */
export class ExtendedQueryWriter {
  private buffer: Buffer;

  /**
   * @param keepBytes the largest buffer kept between calls: a larger statement (a batch of
   *   10,000-position decisions, say) gets a buffer of its own, dropped after it.
   */
  constructor(private readonly keepBytes = 1024 * 1024) {
    this.buffer = Buffer.allocUnsafeSlow(Math.min(64 * 1024, keepBytes));
  }

  /**
   * The messages for `sql` with `params`, as `statement`: '' is the unnamed statement, parsed
   * each time. A named one is prepared: PostgreSQL keeps it, parsed, with its cached plan; until
   * it is `prepared` the messages close that name first (nothing, if it does not exist: a first
   * run that failed after its Parse may have left it) and parse it again; once it is, they leave
   * the Parse out.
   *
   * The bytes are valid until the next call: hand them to PGlite's execProtocol in the same
   * synchronous step (it copies them into the database before it returns its promise).
   */
  write(sql: string, params: readonly string[], statement: { readonly name: string; readonly prepared: boolean }): Uint8Array {
    const nameBytes = Buffer.byteLength(statement.name);
    const parsing = !statement.prepared;
    const closing = parsing && statement.name !== '';
    const sqlBytes = parsing ? Buffer.byteLength(sql) : 0;
    const paramBytes = params.map((param) => Buffer.byteLength(param));
    // Close 7 + name; Parse 9 + name + sql; Bind 15 + name + 6n + values; Execute 10; Sync 5.
    const size = (closing ? 7 + nameBytes : 0) + (parsing ? 9 + nameBytes + sqlBytes : 0) +
      30 + nameBytes + 6 * params.length + paramBytes.reduce((sum, bytes) => sum + bytes, 0);
    const b = this.bufferOf(size);

    // Buffer.write is given each string's byte length: without it, writing a string with any
    // non-ASCII character into a larger buffer took ~12× as long.
    let at = 0;
    const start = (code: number) => {
      b[at] = code;
      at += 5;
      return at - 4; // where the length goes; it counts itself
    };
    const end = (lengthAt: number) => b.writeInt32BE(at - lengthAt, lengthAt);
    const cString = (text: string, bytes: number) => {
      at += b.write(text, at, bytes);
      b[at++] = 0;
    };

    if (closing) {
      const close = start(0x43); // 'C'
      b[at++] = 0x53; // a statement, not a portal
      cString(statement.name, nameBytes);
      end(close);
    }

    if (parsing) {
      const parse = start(0x50); // 'P'
      cString(statement.name, nameBytes);
      cString(sql, sqlBytes);
      at = b.writeInt16BE(0, at); // no parameter types: the server infers them
      end(parse);
    }

    const bind = start(0x42); // 'B'
    b[at++] = 0; // unnamed portal
    cString(statement.name, nameBytes);
    at = b.writeInt16BE(params.length, at);
    for (let i = 0; i < params.length; i++) at = b.writeInt16BE(0, at); // each parameter in text
    at = b.writeInt16BE(params.length, at);
    for (let i = 0; i < params.length; i++) {
      at = b.writeInt32BE(paramBytes[i], at);
      at += b.write(params[i], at, paramBytes[i]);
    }
    at = b.writeInt16BE(1, at);
    at = b.writeInt16BE(0, at); // every result column in text
    end(bind);

    const execute = start(0x45); // 'E'
    b[at++] = 0; // unnamed portal
    at = b.writeInt32BE(0, at); // all rows
    end(execute);

    end(start(0x53)); // 'S'ync
    return b.subarray(0, at);
  }

  private bufferOf(size: number): Buffer {
    if (size <= this.buffer.length) return this.buffer;
    if (size > this.keepBytes) return Buffer.allocUnsafeSlow(size);
    this.buffer = Buffer.allocUnsafeSlow(Math.min(this.keepBytes, Math.max(size, 2 * this.buffer.length)));
    return this.buffer;
  }
}
