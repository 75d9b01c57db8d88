/**
 * One statement as the PostgreSQL wire protocol's Parse, Bind, Execute and Sync messages, written
 * into one buffer kept between calls. pg-protocol's serializer allocates a buffer per message,
 * grows the Bind message's by copying, and Buffer.concat joins them in another: ~6 KB of
 * short-lived Buffers per audit record, which V8 counts as external memory until a scavenge, and
 * which started a third of the database thread's mark-compacts (13–14 against 8–9 per 15,000 lone
 * records, pauses 36–53 against 23–33 ms in all, three alternating runs). Writing in place is also
 * faster: 2.6–9× for a lone record, 5–33× for a batch of 256 (bench/audit-message.bench.ts).
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
    this.buffer = Buffer.allocUnsafeSlow(64 * 1024);
  }

  /**
   * The messages for `sql` with `params`. `statement` names a prepared statement: PostgreSQL
   * keeps its parse and plan, and once `prepared` the Parse message is left out ('' is the unnamed
   * statement, parsed every time). The bytes are valid until the next call: pass them on (PGlite's
   * execProtocol reads them before it returns its promise) before writing another.
   */
  write(sql: string, params: readonly string[], statement: { name: string; prepared: boolean } = UNNAMED): Uint8Array {
    const nameBytes = Buffer.byteLength(statement.name);
    const sqlBytes = statement.prepared ? 0 : Buffer.byteLength(sql);
    const paramBytes = params.map((param) => Buffer.byteLength(param));
    // Parse 5 + name + 1 + sql + 1 + 2; Bind 5 + 1 + name + 1 + 2 + 2n + 2 + 4n + values + 4; Execute 10; Sync 5.
    const parseBytes = statement.prepared ? 0 : 9 + nameBytes + sqlBytes;
    const size = parseBytes + 30 + nameBytes + 6 * params.length + paramBytes.reduce((sum, bytes) => sum + bytes, 0);
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

    if (!statement.prepared) {
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

  /** Close of the prepared statement `name`, and Sync: PostgreSQL forgets it (no error if it never existed). */
  close(name: string): Uint8Array {
    const nameBytes = Buffer.byteLength(name);
    const b = this.bufferOf(12 + nameBytes);
    b[0] = 0x43; // 'C'
    b.writeInt32BE(6 + nameBytes, 1);
    b[5] = 0x53; // a statement, not a portal
    b.write(name, 6, nameBytes);
    b[6 + nameBytes] = 0;
    b[7 + nameBytes] = 0x53; // 'S'ync
    b.writeInt32BE(4, 8 + nameBytes);
    return b.subarray(0, 12 + nameBytes);
  }

  private bufferOf(size: number): Buffer {
    const b = size <= this.buffer.length ? this.buffer : Buffer.allocUnsafeSlow(size);
    if (b.length <= this.keepBytes) this.buffer = b;
    return b;
  }
}

const UNNAMED = { name: '', prepared: false };
