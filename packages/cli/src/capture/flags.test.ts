import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CliError } from '../errors.js';
import {
  parseApplicationId,
  parseBitrate,
  parseConnectUrl,
  parseCrf,
  parseDuration,
  parseFrameRate,
  parseListenAddress,
  parseNonNegativeInt,
  parsePixelFormat,
  parsePositiveInt,
  parseSize,
} from './flags.js';

/** Every parser either returns a value or throws a CliError `usage` whose message quotes the input. */
function rejectsCleanly(parse: (text: string) => unknown, text: string): void {
  try {
    parse(text);
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe('usage');
    expect((error as CliError).message).toContain('expected');
  }
}

const PARSERS: [string, (text: string) => unknown][] = [
  ['size', parseSize],
  ['frame rate', parseFrameRate],
  ['positive int', (t) => parsePositiveInt(t, 'frames')],
  ['non-negative int', (t) => parseNonNegativeInt(t, 'delay')],
  ['duration', parseDuration],
  ['bitrate', parseBitrate],
  ['crf', parseCrf],
  ['pixel format', parsePixelFormat],
  ['listen address', parseListenAddress],
  ['connect url', parseConnectUrl],
  ['application id', parseApplicationId],
];

describe('capture flag parsers', () => {
  it('parse sizes and refuse odd, zero or huge ones', () => {
    expect(parseSize('1280x720')).toEqual({ width: 1280, height: 720 });
    expect(parseSize('640X480')).toEqual({ width: 640, height: 480 });
    for (const bad of ['abc', '1280', '1281x720', '0x0', '1280x-2', '20000x720', '1280x720x3', ''])
      expect(() => parseSize(bad), bad).toThrow(CliError);
  });

  it('accept what H.264 level 6.2 allows and refuse larger frames, naming the limit', () => {
    // MaxFS 139264 macroblocks; each side at most 16384 pixels (the encoders' bound).
    for (const good of ['8192x4320', '7680x4320', '16384x128', '128x16384', '10000x720'])
      expect(parseSize(good)).toBeDefined();
    expect(() => parseSize('8192x8192')).toThrow(
      /size "8192x8192" is larger than H\.264 allows \(level 6\.2: at most 139264 macroblocks of 16x16 .*this is 262144\)/,
    );
    expect(() => parseSize('16386x128')).toThrow(/each side at most 16384 pixels/);
    expect(() => parseSize('128x16880')).toThrow(/each side at most 16384 pixels/);
    // 8208x4336 rounds up to 513x271 = 139023 macroblocks: fits; 8208x4352 is 513x272 = 139536: does not.
    expect(parseSize('8208x4336')).toEqual({ width: 8208, height: 4336 });
    expect(() => parseSize('8208x4352')).toThrow(/this is 139536/);
  });

  it('round-trips any valid size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2048 }), fc.integer({ min: 1, max: 2048 }), (w, h) => {
        expect(parseSize(`${2 * w}x${2 * h}`)).toEqual({ width: 2 * w, height: 2 * h });
      }),
    );
  });

  it('parse frame rates as integers, NTSC decimals and fractions', () => {
    expect(parseFrameRate('30')).toEqual({ num: 30, den: 1 });
    expect(parseFrameRate('29.97')).toEqual({ num: 30000, den: 1001 });
    // The slowest rate accepted, as a decimal: not mistaken for an NTSC rate of 0.
    expect(parseFrameRate('0.001')).toEqual({ num: 1, den: 1000 });
    expect(parseFrameRate('59.94')).toEqual({ num: 60000, den: 1001 });
    expect(parseFrameRate('12.5')).toEqual({ num: 12500, den: 1000 });
    expect(parseFrameRate('30000/1001')).toEqual({ num: 30000, den: 1001 });
    for (const bad of ['0', '-30', 'thirty', '30/0', '1/0', '5000', '30fps', ''])
      expect(() => parseFrameRate(bad), bad).toThrow(CliError);
  });

  it('parse durations with units', () => {
    expect(parseDuration('10')).toBe(10);
    expect(parseDuration('10s')).toBe(10);
    expect(parseDuration('1.5m')).toBe(90);
    expect(parseDuration('500ms')).toBe(0.5);
    expect(parseDuration('1h')).toBe(3600);
    for (const bad of ['0', '-1', '10 minutes', 's', '1d'])
      expect(() => parseDuration(bad), bad).toThrow(CliError);
  });

  it('parse bit rates with k/M suffixes', () => {
    expect(parseBitrate('2M')).toBe(2_000_000);
    expect(parseBitrate('500k')).toBe(500_000);
    expect(parseBitrate('1.5M')).toBe(1_500_000);
    expect(parseBitrate('2000000')).toBe(2_000_000);
    for (const bad of ['0', '2G', 'fast', '999']) expect(() => parseBitrate(bad), bad).toThrow(CliError);
  });

  it('parse crf, counts, pixel formats', () => {
    expect(parseCrf('23')).toBe(23);
    expect(parseCrf('0')).toBe(0);
    expect(() => parseCrf('52')).toThrow(/0 \(lossless\) to 51/);
    expect(parsePositiveInt('300', 'frames')).toBe(300);
    expect(() => parsePositiveInt('0', 'frames')).toThrow(/frames "0"/);
    expect(() => parsePositiveInt('1.5', 'frames')).toThrow(CliError);
    expect(parsePositiveInt('128', 'threads', 128)).toBe(128);
    expect(() => parsePositiveInt('129', 'threads', 128)).toThrow(/threads "129" is too large; at most 128/);
    expect(parseNonNegativeInt('0', 'delay')).toBe(0);
    expect(parsePixelFormat('yuv420p')).toBe('I420');
    expect(parsePixelFormat('NV12')).toBe('NV12');
    expect(() => parsePixelFormat('yuv422p')).toThrow(/yuv420p, nv12, rgba/);
    for (const key of ['constructor', '__proto__', 'toString'])
      expect(() => parsePixelFormat(key)).toThrow(CliError);
  });

  it('parse listen addresses and Rerun proxy URLs', () => {
    expect(parseListenAddress('9090')).toEqual({ host: '127.0.0.1', port: 9090 });
    expect(parseListenAddress('0.0.0.0:80')).toEqual({ host: '0.0.0.0', port: 80 });
    expect(parseListenAddress('[::1]:9090')).toEqual({ host: '::1', port: 9090 });
    expect(parseListenAddress('localhost:0')).toEqual({ host: 'localhost', port: 0 });
    for (const bad of ['70000', 'host:', ':9090', 'http://x:1', 'a b:1'])
      expect(() => parseListenAddress(bad), bad).toThrow(CliError);
    expect(parseConnectUrl('rerun+http://127.0.0.1:9876/proxy')).toBe('rerun+http://127.0.0.1:9876/proxy');
    expect(parseConnectUrl('rerun://example.com')).toBe('rerun://example.com');
    for (const bad of ['http://127.0.0.1:9876', '127.0.0.1:9876', 'rerun+http://', 'rerun+http://a/b'])
      expect(() => parseConnectUrl(bad), bad).toThrow(CliError);
  });

  it('parse application ids newer Rerun viewers keep as they are, and refuse others naming the rule', () => {
    for (const good of ['camstream', 'robot_arm:front [left]', 'cam-2', 'a'.repeat(180)])
      expect(parseApplicationId(good)).toBe(good);
    expect(() => parseApplicationId('camstream.capture')).toThrow(
      /^app id "camstream\.capture" contains "\." \(U\+002E\); allowed are ASCII letters, digits, "_", "-", space, "\[", "\]" and ":" \(no dots\); expected e\.g\. camstream/,
    );
    expect(() => parseApplicationId('')).toThrow(/^app id "" is empty;/);
    expect(() => parseApplicationId('a'.repeat(181))).toThrow(/181 bytes long; at most 180 bytes/);
    expect(() => parseApplicationId('kamera-ü')).toThrow(/contains "ü" \(U\+00FC\)/);
  });

  it('never throw anything but a CliError usage, whatever the text (fuzz)', () => {
    // Strings shaped like the flags' values reach the range checks, not only the syntax checks.
    const flagLike = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc
        .tuple(fc.nat(20000), fc.constantFrom('x', '/', '.', ':', 'ms', 'k', 'M', ''), fc.nat(20000))
        .map(([a, sep, b]) => `${a}${sep}${b}`),
    );
    fc.assert(
      fc.property(flagLike, (text) => {
        for (const [, parse] of PARSERS) rejectsCleanly(parse, text);
      }),
      { numRuns: 2000 },
    );
  });
});
