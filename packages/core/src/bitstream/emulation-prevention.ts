/**
 * Emulation prevention (H.264 7.4.1, H.265 7.4.2): encoders insert `03` after every `00 00` that
 * would otherwise be followed by `00`–`03`. Removal is lazy: only NAL units that are parsed pay for
 * it, and only up to the bytes the parser needs.
 */

/**
 * Removes emulation-prevention bytes from `payload` (a NAL unit without or with its header; the
 * header never contains `00 00 03`). Returns `payload` itself when there is nothing to remove, so
 * the common case costs one `indexOf` scan and no copy.
 *
 * @param maxOutput - stop after this many output bytes (slice headers need only a prefix).
 */
export function removeEmulationPrevention(
  payload: Uint8Array,
  maxOutput = Number.POSITIVE_INFINITY,
): Uint8Array {
  // Each escape turns 3 input bytes into 2 output bytes, so 1.5× the output bounds the input read.
  const inputLimit = Math.ceil(maxOutput * 1.5) + 3;
  const input = payload.length > inputLimit ? payload.subarray(0, inputLimit) : payload;
  let i = findEscape(input, 0);
  if (i < 0) return input.length > maxOutput ? input.subarray(0, maxOutput) : input;
  const out = new Uint8Array(Math.min(input.length, maxOutput));
  let o = 0;
  let from = 0;
  while (i >= 0 && o < out.length) {
    // Copy up to and including the `00 00`, then skip the `03`.
    const take = Math.min(i + 2 - from, out.length - o);
    out.set(input.subarray(from, from + take), o);
    o += take;
    from = i + 3;
    i = findEscape(input, from);
  }
  if (o < out.length && from < input.length) {
    const take = Math.min(input.length - from, out.length - o);
    out.set(input.subarray(from, from + take), o);
    o += take;
  }
  return out.subarray(0, o);
}

/** Index of the first `00` of a `00 00 03` at or after `from`, or −1. */
function findEscape(data: Uint8Array, from: number): number {
  let i = data.indexOf(3, from + 2);
  while (i >= 0) {
    if (data[i - 1] === 0 && data[i - 2] === 0 && i - 2 >= from) return i - 2;
    i = data.indexOf(3, i + 1);
  }
  return -1;
}

/**
 * Adds emulation-prevention bytes to an RBSP so that it can be framed as a NAL unit payload
 * (used when building parameter sets and in tests).
 */
export function addEmulationPrevention(rbsp: Uint8Array): Uint8Array {
  const out: number[] = [];
  let zeros = 0;
  for (const b of rbsp) {
    if (zeros >= 2 && b <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(b);
    zeros = b === 0 ? zeros + 1 : 0;
  }
  // A NAL unit may not end in 00: an RBSP ending in a cabac_zero_word gets a final 03 (7.4.1).
  if (zeros >= 2) out.push(3);
  return Uint8Array.from(out);
}

/**
 * Hot-path variant for short prefixes: true if `data[start, end)` holds a `00 00 03`. A plain loop:
 * on a few dozen bytes it beats a native `indexOf` call.
 */
export function hasEmulationPrevention(data: Uint8Array, start: number, end: number): boolean {
  let zeros = 0;
  for (let i = start; i < end; i++) {
    const b = data[i];
    if (b === 0) zeros++;
    else {
      if (b === 3 && zeros >= 2) return true;
      zeros = 0;
    }
  }
  return false;
}

/**
 * Removes emulation prevention from `data[start, end)` into `out` (which must hold `end − start`
 * bytes); returns the number of bytes written. No allocation: the splitter reuses one scratch buffer.
 */
export function unescapeInto(data: Uint8Array, start: number, end: number, out: Uint8Array): number {
  let o = 0;
  let zeros = 0;
  for (let i = start; i < end; i++) {
    const b = data[i] as number;
    if (b === 3 && zeros >= 2) {
      zeros = 0;
      continue;
    }
    out[o++] = b;
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return o;
}
