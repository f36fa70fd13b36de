import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameTime, micros, millis, nanos, seconds, toMicros, toMillis, toSeconds } from './time.js';

describe('time helpers', () => {
  it('convert units to bigint nanoseconds', () => {
    expect(seconds(1.5)).toBe(1_500_000_000n);
    expect(millis(33)).toBe(33_000_000n);
    expect(micros(16_667)).toBe(16_667_000n);
    expect(nanos(7)).toBe(7n);
    expect(seconds(1.7e9)).toBe(1_700_000_000_000_000_000n);
    expect(toSeconds(2_500_000_000n)).toBe(2.5);
    expect(toMillis(1_500_000n)).toBe(1.5);
    expect(toMicros(1_999n)).toBe(1);
    expect(() => seconds(Number.NaN)).toThrow(RangeError);
    expect(() => nanos(0.5)).toThrow(RangeError);
  });

  it('frame times are exact for rational rates', () => {
    expect(frameTime(3, 30)).toBe(100_000_000n);
    expect(frameTime(30000, 30000, 1001)).toBe(1_001_000_000_000n);
    fc.assert(fc.property(fc.nat(1_000_000), (i) => frameTime(i + 1, 30) > frameTime(i, 30)));
  });

  it('micros round-trips integers', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (us) => toMicros(micros(us)) === us));
  });
});
