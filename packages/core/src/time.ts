/**
 * Time helpers. Every time in camstream is a `bigint` count of nanoseconds (decision 0001); these build
 * one from the units people think in and convert back for display.
 */

const NS_PER_SECOND = 1_000_000_000;

function fromUnit(value: number, nsPerUnit: number, unit: string): bigint {
  if (!Number.isFinite(value)) {
    throw new RangeError(`${unit} must be a finite number, got ${value}`);
  }
  // Integers convert exactly; fractions round to the nearest nanosecond.
  if (Number.isInteger(value) && Math.abs(value * nsPerUnit) <= Number.MAX_SAFE_INTEGER) {
    return BigInt(value * nsPerUnit);
  }
  if (Number.isInteger(value)) return BigInt(value) * BigInt(nsPerUnit);
  return BigInt(Math.round(value * nsPerUnit));
}

/** Seconds (may be fractional) → nanoseconds. */
export function seconds(value: number): bigint {
  return fromUnit(value, NS_PER_SECOND, 'seconds');
}

/** Milliseconds (may be fractional) → nanoseconds. */
export function millis(value: number): bigint {
  return fromUnit(value, 1_000_000, 'milliseconds');
}

/** Microseconds (may be fractional; WebCodecs timestamps) → nanoseconds. */
export function micros(value: number): bigint {
  return fromUnit(value, 1_000, 'microseconds');
}

/** Whole nanoseconds as a number → `bigint`. */
export function nanos(value: number): bigint {
  if (!Number.isSafeInteger(value)) throw new RangeError(`nanoseconds must be a safe integer, got ${value}`);
  return BigInt(value);
}

/** Nanoseconds → seconds, as a float for display. */
export function toSeconds(ns: bigint): number {
  return Number(ns) / NS_PER_SECOND;
}

/** Nanoseconds → milliseconds, as a float for display. */
export function toMillis(ns: bigint): number {
  return Number(ns) / 1_000_000;
}

/** Nanoseconds → whole microseconds (truncated toward zero), e.g. for WebCodecs. */
export function toMicros(ns: bigint): number {
  return Number(ns / 1000n);
}

/**
 * The PTS of frame `index` at `fpsNum / fpsDen` frames per second, exact (e.g. 29.97 fps is `(30000, 1001)`).
 */
export function frameTime(index: number, fpsNum: number, fpsDen = 1): bigint {
  for (const [name, v] of [
    ['index', index],
    ['fpsNum', fpsNum],
    ['fpsDen', fpsDen],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0 || (name !== 'index' && v === 0)) {
      throw new RangeError(
        `frameTime: ${name} must be a ${name === 'index' ? 'non-negative' : 'positive'} integer, got ${v}; for 29.97 fps pass (30000, 1001)`,
      );
    }
  }
  return (BigInt(index) * BigInt(fpsDen) * 1_000_000_000n) / BigInt(fpsNum);
}
