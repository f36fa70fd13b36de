/**
 * Property tests of the parsers: robustness on random and mutated input. The splitter's own properties
 * (split-point independence) are in access-unit-splitter.test.ts.
 */
import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { lengthPrefixedToAnnexB, parseAvcC, parseHvcC } from './avcc.js';
import { BitstreamError } from './bitstream-error.js';
import { encodeTestStream, HAS_X264_AND_X265, x264, x265 } from './encoded-stream.test-util.js';
import { parseH264Pps } from './h264-pps.js';
import { parseH264Sps } from './h264-sps.js';
import { parseH265Pps, parseH265Sps, parseH265Vps } from './h265-ps.js';
import { findRecoveryPoint } from './sei.js';
import { summarizeBitstream } from './summary.js';

const typedOnly = (fn: () => unknown): void => {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof BitstreamError)) throw error;
  }
};

describe.skipIf(!HAS_X264_AND_X265)('properties on encoder output', () => {
  const streams: Uint8Array[] = [];

  beforeAll(() => {
    streams.push(encodeTestStream('96x64', 12, [...x264(), '-g', '5', '-bf', '0']));
    streams.push(encodeTestStream('96x64', 12, [...x264(), '-g', '6', '-x264-params', 'slices=3:aud=1']));
    streams.push(encodeTestStream('96x64', 12, x265('keyint=5')));
  }, 60_000);

  it('summarizeBitstream throws nothing but BitstreamError on mutated input', () => {
    for (const bytes of streams) {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 })), {
            minLength: 1,
            maxLength: 30,
          }),
          (mutations) => {
            const mutated = bytes.slice();
            for (const [at, value] of mutations) mutated[at] = value;
            typedOnly(() => summarizeBitstream(mutated));
          },
        ),
        { numRuns: 150 },
      );
    }
  });
});

describe('properties on random input', () => {
  it('summarizeBitstream throws nothing but BitstreamError on random bytes (with and without a leading start code)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.boolean(), (random, withStart) => {
        const bytes = withStart ? new Uint8Array([0, 0, 0, 1, ...random]) : random;
        typedOnly(() => summarizeBitstream(bytes));
      }),
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
