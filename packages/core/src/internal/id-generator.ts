import { Buffer } from 'node:buffer';
import { randomFillSync } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';

// Random bytes are drawn 4 KiB at a time (a `randomFillSync` call costs ~2.5 µs for 24 bytes or 4 KiB) and
// hex-encoded 256 bytes at a time: 512 hex digits, ten root spans (trace id + span id) per encoding.
const RANDOM_BYTES = 4096;
const CHUNK_BYTES = 256;
const POOL_CHARS = CHUNK_BYTES * 2;
const INVALID_TRACE_ID = '00000000000000000000000000000000';
const INVALID_SPAN_ID = '0000000000000000';

/**
 * Trace and span ids cut from a small pool of hex digits drawn from the system's cryptographic random
 * source, used by the provider Glassbox registers itself.
 *
 * Why not the SDK's `RandomIdGenerator`: it writes `Math.random()` into a buffer and hex-encodes every id
 * with a native call, ~400 ns per root span on the bench machine (10% of a traced call's profile). Here
 * 256 bytes are hex-encoded at once and an id is a `slice` of that string (~70 ns per root span). V8
 * keeps such a slice pointing into its 512-character parent, so an id an application keeps for long holds
 * at most ~0.5 KB, never the random buffer.
 */
export class PooledIdGenerator implements IdGenerator {
  private readonly bytes = Buffer.allocUnsafe(RANDOM_BYTES);
  private byteOffset = RANDOM_BYTES;
  private hex = '';
  private pos = POOL_CHARS;

  generateTraceId(): string {
    const id = this.take(32);
    return id === INVALID_TRACE_ID ? this.generateTraceId() : id;
  }

  generateSpanId(): string {
    const id = this.take(16);
    return id === INVALID_SPAN_ID ? this.generateSpanId() : id;
  }

  private take(chars: number): string {
    if (this.pos + chars > POOL_CHARS) {
      if (this.byteOffset === RANDOM_BYTES) {
        randomFillSync(this.bytes);
        this.byteOffset = 0;
      }
      this.hex = this.bytes.toString('hex', this.byteOffset, this.byteOffset + CHUNK_BYTES);
      this.byteOffset += CHUNK_BYTES;
      this.pos = 0;
    }
    const id = this.hex.slice(this.pos, this.pos + chars);
    this.pos += chars;
    return id;
  }
}
