/**
 * Property tests: split-point independence, and robustness on random and mutated input.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessUnitSplitter } from './access-unit-splitter.js';
import { splitAnnexB } from './annexb-scanner.js';
import { lengthPrefixedToAnnexB, parseAvcC, parseHvcC } from './avcc.js';
import { BitstreamError } from './bitstream-error.js';
import { parseH264Pps } from './h264-pps.js';
import { parseH264Sps } from './h264-sps.js';
import { parseH265Pps, parseH265Sps, parseH265Vps } from './h265-ps.js';
import type { VideoCodecName } from './nal.js';
import { findRecoveryPoint } from './sei.js';
import { summarizeBitstream } from './summary.js';

interface Outcome {
  readonly samples: string[];
  readonly keyframes: number[];
  readonly error: string | undefined;
}

/** Runs the splitter over `bytes` cut at `cuts`; any error other than BitstreamError fails the test. */
function outcome(
  bytes: Uint8Array,
  codec: VideoCodecName,
  cuts: readonly number[],
  options: { bFrames?: 'allow' | 'error'; insertParameterSets?: boolean } = {},
): Outcome {
  const splitter = new AccessUnitSplitter({ codec, bFrames: 'allow', ...options });
  const samples: string[] = [];
  const keyframes: number[] = [];
  const take = (aus: ReturnType<AccessUnitSplitter['push']>): void => {
    for (const au of aus) {
      samples.push(Buffer.from(au.data).toString('hex'));
      if (au.isKeyframe) keyframes.push(au.index);
    }
  };
  const sorted = [...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort((a, b) => a - b);
  let at = 0;
  try {
    for (const cut of [...sorted, bytes.length]) {
      take(splitter.push(bytes.subarray(at, cut)));
      at = cut;
    }
    take(splitter.end());
    return { samples, keyframes, error: undefined };
  } catch (error) {
    if (!(error instanceof BitstreamError)) throw error;
    return { samples: [], keyframes: [], error: error.code };
  }
}

function encode(dir: string, name: string, args: string[]): Uint8Array {
  const file = join(dir, name);
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=96x64:rate=10',
    ...args,
    file,
  ]);
  return new Uint8Array(readFileSync(file));
}

let hasFfmpeg = true;
try {
  execFileSync('ffmpeg', ['-version']);
} catch {
  hasFfmpeg = false;
  console.warn('\n\n*** SKIPPING property tests on encoder output: ffmpeg is not installed ***\n\n');
}

const streams: { name: string; codec: VideoCodecName; bytes: Uint8Array }[] = [];
let dir = '';

beforeAll(() => {
  if (!hasFfmpeg) return;
  dir = mkdtempSync(join(tmpdir(), 'camstream-bitstream-prop-'));
  const x264 = ['-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'veryfast', '-threads', '1'];
  streams.push({
    name: 'h264',
    codec: 'h264',
    bytes: encode(dir, 'a.h264', ['-frames:v', '12', ...x264, '-g', '5', '-bf', '0', '-f', 'h264']),
  });
  streams.push({
    name: 'h264-slices-aud-bf',
    codec: 'h264',
    bytes: encode(dir, 'b.h264', [
      '-frames:v',
      '12',
      ...x264,
      '-g',
      '6',
      '-x264-params',
      'slices=3:aud=1',
      '-f',
      'h264',
    ]),
  });
  streams.push({
    name: 'h265',
    codec: 'h265',
    bytes: encode(dir, 'c.hevc', [
      '-frames:v',
      '12',
      '-pix_fmt',
      'yuv420p',
      '-c:v',
      'libx265',
      '-preset',
      'ultrafast',
      '-x265-params',
      'keyint=5:log-level=error',
      '-f',
      'hevc',
    ]),
  });
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const typedOnly = (fn: () => unknown): void => {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof BitstreamError)) throw error;
  }
};

describe.skipIf(!hasFfmpeg)('properties on encoder output', () => {
  it('arbitrary split points give identical samples', () => {
    for (const { bytes, codec } of streams) {
      const whole = outcome(bytes, codec, []);
      expect(whole.error).toBeUndefined();
      expect(whole.samples.length).toBe(12);
      fc.assert(
        fc.property(fc.array(fc.nat({ max: bytes.length }), { maxLength: 40 }), (cuts) => {
          expect(outcome(bytes, codec, cuts)).toEqual(whole);
        }),
        { numRuns: 60 },
      );
    }
  });

  it('split points near start codes (every offset around the first NAL units) give identical samples', () => {
    for (const { bytes, codec } of streams) {
      const whole = outcome(bytes, codec, []);
      const nals = splitAnnexB(bytes).slice(0, 8);
      for (const n of nals) {
        for (let d = -4; d <= 4; d++) expect(outcome(bytes, codec, [n.offset + d])).toEqual(whole);
      }
    }
  });

  it('mutated input throws nothing but BitstreamError, and split points still do not matter', () => {
    for (const { bytes, codec } of streams) {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 })), {
            minLength: 1,
            maxLength: 30,
          }),
          fc.array(fc.nat({ max: bytes.length }), { maxLength: 10 }),
          fc.boolean(),
          (mutations, cuts, insert) => {
            const mutated = bytes.slice();
            for (const [at, value] of mutations) mutated[at] = value;
            const whole = outcome(mutated, codec, [], { insertParameterSets: insert });
            expect(outcome(mutated, codec, cuts, { insertParameterSets: insert })).toEqual(whole);
            typedOnly(() => summarizeBitstream(mutated));
            typedOnly(() => outcome(mutated, codec, cuts, { bFrames: 'error' }));
          },
        ),
        { numRuns: 150 },
      );
    }
  });

  it('truncated and spliced input throws nothing but BitstreamError', () => {
    for (const { bytes, codec } of streams) {
      fc.assert(
        fc.property(
          fc.nat({ max: bytes.length }),
          fc.nat({ max: bytes.length }),
          fc.nat({ max: bytes.length }),
          (a, b, c) => {
            const spliced = new Uint8Array([
              ...bytes.subarray(0, a),
              ...bytes.subarray(Math.min(b, c), Math.max(b, c)),
            ]);
            outcome(spliced, codec, [c % (spliced.length + 1)]);
          },
        ),
        { numRuns: 100 },
      );
    }
  });
});

describe('properties on random input', () => {
  it('random bytes (with and without a leading start code) throw nothing but BitstreamError', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.boolean(),
        fc.constantFrom<VideoCodecName>('h264', 'h265'),
        fc.array(fc.nat({ max: 2000 }), { maxLength: 8 }),
        (random, withStart, codec, cuts) => {
          const bytes = withStart ? new Uint8Array([0, 0, 0, 1, ...random]) : random;
          const whole = outcome(bytes, codec, []);
          expect(outcome(bytes, codec, cuts)).toEqual(whole);
          typedOnly(() => summarizeBitstream(bytes));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random NAL soup (start codes between random payloads) throws nothing but BitstreamError', () => {
    const nalArb = fc.tuple(fc.constantFrom(0, 1, 2), fc.uint8Array({ minLength: 0, maxLength: 40 }));
    fc.assert(
      fc.property(
        fc.array(nalArb, { maxLength: 30 }),
        fc.constantFrom<VideoCodecName>('h264', 'h265'),
        fc.array(fc.nat({ max: 1500 }), { maxLength: 8 }),
        (nals, codec, cuts) => {
          const parts: number[] = [];
          for (const [zeros, payload] of nals)
            parts.push(...new Array<number>(zeros + 2).fill(0), 1, ...payload);
          const bytes = Uint8Array.from(parts);
          const whole = outcome(bytes, codec, []);
          expect(outcome(bytes, codec, cuts)).toEqual(whole);
          expect(outcome(bytes, codec, cuts, { insertParameterSets: true }).error).toBe(
            outcome(bytes, codec, [], { insertParameterSets: true }).error,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('parameter-set and record parsers throw nothing but BitstreamError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        for (const header of [[0x67], [0x68], [0x40, 0x01], [0x42, 0x01], [0x44, 0x01]]) {
          const nal = new Uint8Array([...header, ...bytes]);
          typedOnly(() => parseH264Sps(nal));
          typedOnly(() => parseH264Pps(nal));
          typedOnly(() => parseH265Vps(nal));
          typedOnly(() => parseH265Sps(nal));
          typedOnly(() => parseH265Pps(nal));
        }
        typedOnly(() => findRecoveryPoint(new Uint8Array([0x06, ...bytes]), 1));
        typedOnly(() => parseAvcC(new Uint8Array([1, ...bytes])));
        typedOnly(() => parseHvcC(new Uint8Array([1, ...bytes])));
        typedOnly(() =>
          lengthPrefixedToAnnexB(bytes, {
            codec: 'h264',
            lengthSize: 4,
            sps: [],
            pps: [],
            profileIdc: 66,
            profileCompatibility: 0,
            levelIdc: 30,
          }),
        );
      }),
      { numRuns: 500 },
    );
  });
});
