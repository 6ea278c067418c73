import { OtlpRequestError } from './otlp-request-error.js';

/** Protobuf wire types. */
export const WIRE = { VARINT: 0, I64: 1, LEN: 2, I32: 5 } as const;

/**
 * Node's Buffer slicers, called directly: `buf.toString(encoding, start, end)` checks and dispatches on
 * every call, which shows in profiles when a request holds thousands of short strings.
 */
interface Slicers {
  utf8Slice(start: number, end: number): string;
  hexSlice(start: number, end: number): string;
  base64Slice(start: number, end: number): string;
}
const slicers = Buffer.prototype as unknown as Partial<Slicers>;
const FAST_SLICE =
  typeof slicers.utf8Slice === 'function' &&
  typeof slicers.hexSlice === 'function' &&
  typeof slicers.base64Slice === 'function';

const WIRE_NAMES = ['varint', 'fixed64', 'length-delimited', 'start-group', 'end-group', 'fixed32'];

/**
 * A cursor over protobuf bytes that never allocates per byte: fields are read in place, strings and ids
 * are sliced from the buffer by offset. Every read is bounded by `end`, the end of the message being read,
 * so a nested message can not run past its parent. Every failure is an `OtlpRequestError` (400) naming
 * the byte offset.
 */
export class ProtobufReader {
  pos = 0;
  /** End of the message being read. */
  end: number;
  /** High 32 bits of the last varint or fixed64 read (the low half is the return value). */
  hi = 0;
  /** Offset where the current field's tag started, for error messages. */
  fieldStart = 0;

  constructor(readonly buf: Buffer) {
    this.end = buf.length;
  }

  fail(message: string, at: number = this.fieldStart): never {
    throw new OtlpRequestError(400, `protobuf: ${message} at byte ${at}`);
  }

  /** Reads a varint; returns the low 32 bits (unsigned) and leaves the high 32 bits in `hi`. */
  varint(): number {
    const buf = this.buf;
    const start = this.pos;
    let pos = start;
    if (pos < this.end) {
      const b = buf[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        this.hi = 0;
        return b;
      }
    }
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (pos >= this.end) this.fail('truncated varint', start);
      const b = buf[pos++]!;
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi = (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (7 * (i - 5) + 3);
      if (b < 0x80) {
        this.pos = pos;
        this.hi = hi >>> 0;
        return lo >>> 0;
      }
    }
    return this.fail('varint longer than 10 bytes', start);
  }

  /** Reads a field tag; returns it as `fieldNumber << 3 | wireType` and remembers where it started. */
  tag(): number {
    this.fieldStart = this.pos;
    const tag = this.varint();
    if (this.hi !== 0 || tag >>> 3 === 0) this.fail('invalid field tag');
    return tag;
  }

  /** Reads a fixed64; returns the low 32 bits and leaves the high 32 bits in `hi`. */
  fixed64(): number {
    const pos = this.pos;
    if (this.end - pos < 8) this.fail('truncated fixed64 field');
    this.hi = this.buf.readUInt32LE(pos + 4);
    this.pos = pos + 8;
    return this.buf.readUInt32LE(pos);
  }

  double(): number {
    const pos = this.pos;
    if (this.end - pos < 8) this.fail('truncated fixed64 field');
    this.pos = pos + 8;
    return this.buf.readDoubleLE(pos);
  }

  /** Reads a length prefix and returns the end offset of the bytes it announces. */
  lengthEnd(): number {
    const n = this.varint();
    if (this.hi !== 0 || n > this.end - this.pos) this.fail('truncated length-delimited field');
    return this.pos + n;
  }

  string(): string {
    const stop = this.lengthEnd();
    const start = this.pos;
    this.pos = stop;
    if (start === stop) return '';
    return FAST_SLICE
      ? (this.buf as unknown as Slicers).utf8Slice(start, stop)
      : this.buf.toString('utf8', start, stop);
  }

  /** Reads length-delimited bytes as lower-case hex. */
  hex(): string {
    const stop = this.lengthEnd();
    const start = this.pos;
    this.pos = stop;
    if (start === stop) return '';
    return FAST_SLICE
      ? (this.buf as unknown as Slicers).hexSlice(start, stop)
      : this.buf.toString('hex', start, stop);
  }

  base64(): string {
    const stop = this.lengthEnd();
    const start = this.pos;
    this.pos = stop;
    return this.buf.toString('base64', start, stop);
  }

  /** Enters an embedded message: returns the parent's end, to give back to `leave`. */
  enter(): number {
    const stop = this.lengthEnd();
    const parentEnd = this.end;
    this.end = stop;
    return parentEnd;
  }

  leave(parentEnd: number): void {
    this.end = parentEnd;
  }

  /** Checks that a known field came with the wire type its schema gives it. */
  expect(tag: number, wireType: number, field: string): void {
    if ((tag & 7) !== wireType) {
      this.fail(
        `wrong wire type ${WIRE_NAMES[tag & 7] ?? tag & 7} for ${field} (field ${tag >>> 3}, expected ${WIRE_NAMES[wireType]})`,
      );
    }
  }

  /** Skips the value of a field this decoder does not use. */
  skip(tag: number): void {
    switch (tag & 7) {
      case WIRE.VARINT:
        this.varint();
        return;
      case WIRE.I64:
        if (this.end - this.pos < 8) this.fail('truncated fixed64 field');
        this.pos += 8;
        return;
      case WIRE.LEN:
        this.pos = this.lengthEnd();
        return;
      case WIRE.I32:
        if (this.end - this.pos < 4) this.fail('truncated fixed32 field');
        this.pos += 4;
        return;
      case 3:
      case 4:
        this.fail('group wire types are not used by OTLP');
        break;
      default:
        this.fail(`invalid wire type ${tag & 7}`);
    }
  }
}
