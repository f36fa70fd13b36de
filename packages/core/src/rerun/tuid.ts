/**
 * TUIDs: Rerun's time-based unique ids (RowId, ChunkId). 16 bytes: big-endian `time_ns` (wall clock, ns since
 * 1970) then big-endian `inc` (a random start, +1 per id). Byte order equals numeric order equals time order.
 */

/** A TUID as its two 64-bit halves. */
export interface Tuid {
  readonly timeNs: bigint;
  readonly inc: bigint;
}

const U64 = (1n << 64n) - 1n;

function wallClockNs(): bigint {
  // timeOrigin + now() is monotonic within a process, unlike Date.now(); sub-ms precision where available.
  const ms = performance.timeOrigin + performance.now();
  const wholeMs = Math.floor(ms);
  return BigInt(wholeMs) * 1_000_000n + BigInt(Math.floor((ms - wholeMs) * 1e6));
}

function randomInc(): bigint {
  const words = new Uint32Array(2);
  crypto.getRandomValues(words);
  // Top bit cleared like Rerun's SDK, so increments never wrap in practice.
  return (BigInt(words[0]! & 0x7fffffff) << 32n) | BigInt(words[1]!);
}

/** Makes strictly increasing TUIDs. One generator per recording keeps RowIds and ChunkIds ordered. */
export class TuidGenerator {
  #lastTime = 0n;
  #inc: bigint;
  readonly #clock: () => bigint;

  /** @param clock ns since 1970; injectable for deterministic tests. */
  constructor(options: { clock?: () => bigint; startInc?: bigint } = {}) {
    this.#clock = options.clock ?? wallClockNs;
    this.#inc = options.startInc ?? randomInc();
  }

  /** The next TUID; `now` (ns since 1970) saves a clock read when the caller has one. */
  next(now: bigint = this.#clock()): Tuid {
    if (now > this.#lastTime) this.#lastTime = now;
    this.#inc = (this.#inc + 1n) & U64;
    return { timeNs: this.#lastTime, inc: this.#inc };
  }

  /** Writes the next TUID's 16 bytes into `out` at `offset` (no allocation on the hot path). */
  nextInto(out: Uint8Array, offset: number, now?: bigint): Tuid {
    const id = this.next(now);
    writeTuid(out, offset, id);
    return id;
  }
}

/** Writes `id` as 16 big-endian bytes (byte by byte: a DataView per id cost more than the rest of it). */
export function writeTuid(out: Uint8Array, offset: number, id: Tuid): void {
  writeU64BigEndian(out, offset, id.timeNs);
  writeU64BigEndian(out, offset + 8, id.inc);
}

function writeU64BigEndian(out: Uint8Array, at: number, value: bigint): void {
  const hi = Number(value >> 32n);
  const lo = Number(value & 0xffff_ffffn);
  out[at] = hi >>> 24;
  out[at + 1] = (hi >>> 16) & 255;
  out[at + 2] = (hi >>> 8) & 255;
  out[at + 3] = hi & 255;
  out[at + 4] = lo >>> 24;
  out[at + 5] = (lo >>> 16) & 255;
  out[at + 6] = (lo >>> 8) & 255;
  out[at + 7] = lo & 255;
}

/** Reads 16 big-endian bytes as a TUID. */
export function readTuid(bytes: Uint8Array, offset = 0): Tuid {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, 16);
  return { timeNs: view.getBigUint64(0), inc: view.getBigUint64(8) };
}

/** Rerun's display form: 16 upper-case hex digits of time, 16 lower-case of inc (`chunk_…`, `row_…`). */
export function tuidToString(id: Tuid): string {
  return id.timeNs.toString(16).toUpperCase().padStart(16, '0') + id.inc.toString(16).padStart(16, '0');
}
