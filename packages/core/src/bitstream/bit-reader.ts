import { BitstreamError } from './bitstream-error.js';

/**
 * MSB-first bit reader over an RBSP (emulation prevention already removed).
 *
 * Exp-Golomb codes are read by counting leading zeros of a 32-bit window with `Math.clz32`
 * instead of bit by bit. Reading past the end throws `bitstream-truncated`, so loops driven by
 * garbage lengths always terminate.
 */
export class BitReader {
  private readonly data: Uint8Array;
  private readonly bitStart: number;
  private readonly bitLength: number;
  private pos: number;

  /**
   * @param start - first byte to read (lets hot paths read inside a larger buffer without a `subarray`).
   * @param end - byte after the last one to read.
   */
  constructor(data: Uint8Array, start = 0, end = data.length) {
    this.data = data;
    this.bitStart = start * 8;
    this.pos = this.bitStart;
    this.bitLength = end * 8;
  }

  /** Current position in bits from the start. */
  get bitPosition(): number {
    return this.pos - this.bitStart;
  }

  /** Bits left before the end of the data. */
  get bitsLeft(): number {
    return this.bitLength - this.pos;
  }

  /** The next 32 bits (zero-padded past the end) without consuming them. */
  private peek32(): number {
    const d = this.data;
    const byte = this.pos >>> 3;
    const shift = this.pos & 7;
    const end = this.bitLength >>> 3;
    let v: number;
    let next: number;
    if (byte + 5 <= end) {
      v =
        ((d[byte] as number) << 24) |
        ((d[byte + 1] as number) << 16) |
        ((d[byte + 2] as number) << 8) |
        (d[byte + 3] as number);
      next = d[byte + 4] as number;
    } else {
      // Near the end: bytes past `end` read as zero, even when the buffer goes on.
      v = 0;
      for (let k = 0; k < 4; k++) v = (v << 8) | (byte + k < end ? (d[byte + k] ?? 0) : 0);
      next = byte + 4 < end ? (d[byte + 4] ?? 0) : 0;
    }
    if (shift !== 0) v = (v << shift) | (next >>> (8 - shift));
    return v >>> 0;
  }

  private need(n: number): void {
    if (this.pos + n > this.bitLength) {
      throw new BitstreamError(
        'bitstream-truncated',
        `tried to read ${n} bit(s) at bit ${this.pos} of a ${this.bitLength}-bit payload`,
      );
    }
  }

  /** Reads `n` bits (0 ≤ n ≤ 32) as an unsigned number. */
  readBits(n: number): number {
    if (n === 0) return 0;
    this.need(n);
    const v = this.peek32() >>> (32 - n);
    this.pos += n;
    return n === 32 ? v >>> 0 : v;
  }

  /** Reads one bit. */
  readBit(): number {
    this.need(1);
    const v = ((this.data[this.pos >>> 3] ?? 0) >>> (7 - (this.pos & 7))) & 1;
    this.pos++;
    return v;
  }

  /** Reads one bit as a boolean flag. */
  readFlag(): boolean {
    return this.readBit() === 1;
  }

  /** Skips `n` bits. */
  skipBits(n: number): void {
    this.need(n);
    this.pos += n;
  }

  /** ue(v): unsigned exp-Golomb, up to 2^32 − 2. */
  readUE(): number {
    const window = this.peek32();
    const zeros = Math.clz32(window);
    if (zeros < 16) {
      // The whole code (2·zeros + 1 bits) fits the 32-bit window: one shift, no loop.
      const len = 2 * zeros + 1;
      this.need(len);
      this.pos += len;
      return (window >>> (32 - len)) - 1;
    }
    if (zeros > 31) {
      throw new BitstreamError(
        'bitstream-truncated',
        `exp-Golomb code longer than 32 bits at bit ${this.pos}`,
      );
    }
    this.skipBits(zeros);
    return this.readBits(zeros + 1) - 1;
  }

  /** se(v): signed exp-Golomb. */
  readSE(): number {
    const k = this.readUE();
    // Arithmetic instead of bit ops: k can exceed 2^31.
    return k % 2 === 1 ? (k + 1) / 2 : 0 - k / 2;
  }

  /**
   * more_rbsp_data(): true if anything but the rbsp_stop_one_bit (and the zero bits after it) is left.
   */
  moreRbspData(): boolean {
    const d = this.data;
    const first = this.bitStart >>> 3;
    let last = (this.bitLength >>> 3) - 1;
    while (last >= first && d[last] === 0) last--;
    if (last < first) return false;
    const b = d[last] ?? 0;
    // Position of the stop bit = lowest set bit of the last non-zero byte.
    const stopBit = last * 8 + 7 - (31 - Math.clz32(b & -b));
    return this.pos < stopBit;
  }
}
