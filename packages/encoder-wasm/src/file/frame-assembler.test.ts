import { frameTime } from '@camstream/core/media';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncoderError } from '../errors.js';
import { type AssembledFrame, FrameAssembler } from './frame-assembler.js';

const W = 4;
const H = 2;
const BYTES = 12; // 4x2 I420

/** `count` frames' bytes, each frame filled with its own index. */
function stream(count: number, bytes = BYTES): Uint8Array {
  const out = new Uint8Array(count * bytes);
  for (let i = 0; i < count; i++) out.fill(i + 1, i * bytes, (i + 1) * bytes);
  return out;
}

function assembler(
  out: AssembledFrame[],
  options: Partial<ConstructorParameters<typeof FrameAssembler>[0]> = {},
) {
  const a = new FrameAssembler({ scale: undefined, constantRate: undefined, ...options }, (f) => out.push(f));
  a.setTimeBase({ num: 1, den: 90_000 });
  return a;
}

describe('FrameAssembler', () => {
  it('property: however ffmpeg chunks its writes, frames come out whole, in order, with their logged times', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.bigInt({ min: 0n, max: 1n << 40n }), { minLength: 6, maxLength: 6 }),
        (count, chunkSizes, ptsTicks) => {
          const out: AssembledFrame[] = [];
          const a = assembler(out);
          for (let i = 0; i < count; i++)
            a.frameLogged({ n: i, pts: ptsTicks[i] as bigint, width: W, height: H });
          const bytes = stream(count);
          let at = 0;
          for (let k = 0; at < bytes.length; k++) {
            const n = chunkSizes[k % chunkSizes.length] as number;
            a.write(bytes.subarray(at, at + n));
            at += n;
          }
          expect(out).toHaveLength(count);
          expect(a.incomplete).toBe(false);
          for (const [i, f] of out.entries()) {
            expect(f.data).toEqual(new Uint8Array(BYTES).fill(i + 1));
            expect(f.pts).toBe(((ptsTicks[i] as bigint) * 1_000_000_000n) / 90_000n);
            expect(f).toMatchObject({ width: W, height: H });
          }
        },
      ),
    );
  });

  it('copies: the caller may reuse its write buffer (the wasm heap) at once', () => {
    const out: AssembledFrame[] = [];
    const a = assembler(out);
    a.frameLogged({ n: 0, pts: 0n, width: W, height: H });
    const heap = stream(1);
    a.write(heap);
    heap.fill(0);
    expect(out[0]?.data).toEqual(new Uint8Array(BYTES).fill(1));
  });

  it('sizes frames by the scale option, not the logged (pre-scale) size', () => {
    const out: AssembledFrame[] = [];
    const a = assembler(out, { scale: { width: 2, height: 2 } });
    a.frameLogged({ n: 0, pts: 0n, width: 640, height: 480 });
    a.write(stream(1, 6));
    expect(out[0]).toMatchObject({ width: 2, height: 2, data: new Uint8Array(6).fill(1) });
  });

  it('times frames at the constant rate for inputs without timestamps (NOPTS included)', () => {
    const out: AssembledFrame[] = [];
    const a = assembler(out, { constantRate: { num: 30000, den: 1001 } });
    for (let i = 0; i < 3; i++) a.frameLogged({ n: i, pts: undefined, width: W, height: H });
    a.write(stream(3));
    expect(out.map((f) => f.pts)).toEqual([0, 1, 2].map((i) => frameTime(i, 30000, 1001)));
  });

  it('refuses bytes nobody logged, and a frame without a timestamp', () => {
    expect(() => assembler([]).write(stream(1))).toThrow(EncoderError);
    const a = assembler([]);
    a.frameLogged({ n: 7, pts: undefined, width: W, height: H });
    expect(() => a.write(stream(1))).toThrow(/frame 7 of the input has no timestamp/);
  });

  it('says when it is left in the middle of a frame', () => {
    const a = assembler([]);
    a.frameLogged({ n: 0, pts: 0n, width: W, height: H });
    a.write(stream(1).subarray(0, 5));
    expect(a.incomplete).toBe(true);
  });
});
