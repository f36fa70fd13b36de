import { concatBytes } from '@camstream/test-helpers/bytes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RawFrame } from '../model/pipeline.js';
import { SourceError } from './source-error.js';
import { renderTestPattern } from './test-pattern.js';
import { readY4m, Y4M_FRAME_LINE, Y4mParser, y4mHeaderBytes } from './y4m-reader.js';

function y4m(width: number, height: number, frames: number, fpsNum = 30, fpsDen = 1): Uint8Array {
  const parts = [y4mHeaderBytes(width, height, fpsNum, fpsDen)];
  for (let i = 0; i < frames; i++) {
    parts.push(Y4M_FRAME_LINE, renderTestPattern({ width, height, fpsNum, fpsDen }, i).data);
  }
  return concatBytes(parts);
}

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  return out;
}

async function collect(source: Iterable<Uint8Array>): Promise<RawFrame[]> {
  const frames: RawFrame[] = [];
  for await (const f of readY4m(source)) frames.push(f);
  return frames;
}

async function failure(source: Iterable<Uint8Array>): Promise<SourceError> {
  try {
    await collect(source);
  } catch (error) {
    if (error instanceof SourceError) return error;
    throw error;
  }
  throw new Error('expected a SourceError');
}

describe('readY4m', () => {
  it('reads frames with PTS from the frame rate', async () => {
    const frames = await collect([y4m(16, 8, 3, 30000, 1001)]);
    expect(frames.map((f) => f.pts)).toEqual([0n, 33_366_666n, 66_733_333n]);
    expect(frames.map((f) => f.index)).toEqual([0, 1, 2]);
    expect(frames[1]?.data).toEqual(
      renderTestPattern({ width: 16, height: 8, fpsNum: 30000, fpsDen: 1001 }, 1).data,
    );
    expect(frames[0]?.format).toBe('I420');
  });

  it('gives the same frames for any split points (property)', async () => {
    const whole = y4m(6, 4, 4, 25);
    const expected = await collect([whole]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 40 }), async (cuts) => {
        const frames = await collect(splitAt(whole, cuts));
        expect(frames).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('reads odd sizes and frame parameters after FRAME', async () => {
    const header = new TextEncoder().encode('YUV4MPEG2 W5 H3 F10:1 C420mpeg2 XYSCSS=420MPEG2\n');
    const frame = new Uint8Array(5 * 3 + 2 * 3 * 2).fill(7);
    const frames = await collect([header, new TextEncoder().encode('FRAME Ixyz\n'), frame]);
    expect(frames).toHaveLength(1);
    expect(frames[0]?.data.length).toBe(27);
    expect(frames[0]?.width).toBe(5);
  });

  it('rejects a bad magic, missing size, bad numbers and other colourspaces', async () => {
    const enc = (s: string) => [new TextEncoder().encode(s)];
    expect((await failure(enc('RIFF....'))).reason).toBe('y4m-bad-header');
    expect((await failure(enc('YUV4MPEG2 W16 F30:1\n'))).message).toMatch(/H<height>/);
    expect((await failure(enc('YUV4MPEG2 W16 H0 F30:1\n'))).reason).toBe('y4m-bad-header');
    expect((await failure(enc('YUV4MPEG2 W16 H8 F30:x\n'))).reason).toBe('y4m-bad-header');
    const c444 = await failure(enc('YUV4MPEG2 W16 H8 F30:1 C444\n'));
    expect(c444.reason).toBe('y4m-unsupported');
    expect(c444.message).toMatch(/C444/);
    expect(c444.code).toBe('invalid-argument');
    expect((await failure(enc('YUV4MP'))).reason).toBe('y4m-bad-header');
    expect((await failure([new Uint8Array(5000).fill(0x59)])).reason).toBe('y4m-bad-header');
  });

  it('reports a truncated frame with its number and byte counts', async () => {
    const whole = y4m(16, 8, 2);
    const error = await failure([whole.subarray(0, whole.length - 10)]);
    expect(error.reason).toBe('y4m-truncated');
    expect(error.message).toMatch(/frame 1 is truncated: got 182 of 192 bytes/);
  });

  it('rejects a missing FRAME marker (wrong size in the header)', async () => {
    const whole = y4m(16, 8, 2);
    const lied = concatBytes([y4mHeaderBytes(16, 6, 30), whole.subarray(y4mHeaderBytes(16, 8, 30).length)]);
    expect((await failure([lied])).reason).toBe('y4m-bad-frame-header');
  });

  it('refuses a frame size too large to hold with a SourceError, not a RangeError from the frame buffer', () => {
    const enc = new TextEncoder();
    for (const header of [
      'YUV4MPEG2 W262144 H262144\n',
      'YUV4MPEG2 W16385 H2\n',
      'YUV4MPEG2 W2 H99999999999\n',
    ]) {
      const parser = new Y4mParser('big.y4m');
      const push = () => parser.push(enc.encode(`${header}FRAME\n`));
      expect(push).toThrow(SourceError);
      expect(push).not.toThrow(RangeError);
    }
    const parser = new Y4mParser('big.y4m');
    expect(() => parser.push(enc.encode('YUV4MPEG2 W262144 H262144\nFRAME\n'))).toThrow(
      /larger than 16384x16384/,
    );
    expect(new Y4mParser().push(enc.encode('YUV4MPEG2 W16384 H2\n'))).toEqual([]);
  });

  it('exposes the header and counts frames', () => {
    const parser = new Y4mParser('x.y4m');
    expect(parser.push(y4m(4, 2, 2))).toHaveLength(2);
    expect(parser.header).toMatchObject({ width: 4, height: 2, fpsNum: 30, fpsDen: 1 });
    expect(parser.frameCount).toBe(2);
    expect(() => parser.end()).not.toThrow();
  });
});
