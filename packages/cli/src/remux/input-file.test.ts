import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CliError } from '../errors.js';
import { fileError, sniffInputKind } from './input-file.js';
import { secondsToNanos } from './video-samples.js';

describe('sniffInputKind', () => {
  it('sees RRF2 as a recording, a leading start code as Annex B, anything else as a container', () => {
    const rest = fc.uint8Array({ maxLength: 60 });
    fc.assert(
      fc.property(rest, (tail) => {
        expect(sniffInputKind(Uint8Array.from([0x52, 0x52, 0x46, 0x32, ...tail]))).toBe('rrd');
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }), rest, (zeros, tail) => {
        expect(sniffInputKind(Uint8Array.from([...new Array(zeros).fill(0), 1, ...tail]))).toBe('annexb');
      }),
    );
    // An MP4 starts with a box size and `ftyp`; EBML with 1A 45 DF A3: neither is a start code.
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 255 }), rest, (first, tail) => {
        expect(sniffInputKind(Uint8Array.from([first, ...tail]))).toBe('container');
      }),
    );
    expect(sniffInputKind(Uint8Array.from([0, 1, 0x67]))).toBe('container'); // one zero is no start code
  });
});

describe('fileError', () => {
  it('names the file for the file-system errors a user causes', () => {
    const cases: [string, RegExp][] = [
      ['ENOENT', /^a\.mp4 does not exist$/],
      ['EACCES', /^cannot read a\.mp4: permission denied$/],
      ['EISDIR', /^a\.mp4 is a directory/],
    ];
    for (const [code, message] of cases) {
      const error = fileError('a.mp4', Object.assign(new Error('raw'), { code }));
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).message).toMatch(message);
    }
    const other = new Error('EIO');
    expect(fileError('a.mp4', other)).toBe(other);
  });
});

describe('secondsToNanos', () => {
  it('is exact on the container clock: tick t of timescale s is round(t·1e9/s) ns', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
        fc.constantFrom(1000, 90_000, 12_800, 15_360, 30_000, 48_000, 600, 1_000_000_000),
        (ticks, scale) => {
          const exact =
            (BigInt(Math.abs(ticks)) * 1_000_000_000n * 2n + BigInt(scale)) / (2n * BigInt(scale));
          expect(secondsToNanos(ticks / scale, scale)).toBe(ticks < 0 ? -exact : exact);
        },
      ),
    );
  });
});
