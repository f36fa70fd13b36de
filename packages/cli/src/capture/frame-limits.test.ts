import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { testPattern, Y4M_FRAME_LINE, y4mHeaderBytes } from '@camstream/core';
import { isCamstreamError } from '@camstream/core/media';
import { tempDir } from '@camstream/test-helpers/temp-dir';
import { describe, expect, it } from 'vitest';
import { CliError } from '../errors.js';
import { capture } from './capture.js';
import { frameRateProblem, frameSizeProblem, MAX_FRAME_MACROBLOCKS, MAX_FRAME_SIDE } from './frame-limits.js';

// Frame sizes and rates the encoder cannot take are refused before anything is allocated, for every source.
const dir = tempDir('camstream-limits-');

/** A Y4M stream whose header claims `width`x`height`, followed by a FRAME line and a few bytes. */
function forgedY4m(width: number, height: number): Readable {
  return Readable.from([
    Buffer.concat([y4mHeaderBytes(width, height, 25), Y4M_FRAME_LINE, Buffer.alloc(64)]),
  ]);
}

describe('frame limits', () => {
  it('are H.264 level 6.2 (139264 macroblocks), 16384 pixels a side, even sides', () => {
    expect(MAX_FRAME_MACROBLOCKS).toBe(139_264);
    expect(MAX_FRAME_SIDE).toBe(16_384);
    expect(frameSizeProblem(8192, 4320)).toBeUndefined();
    expect(frameSizeProblem(16_384, 128)).toBeUndefined();
    expect(frameSizeProblem(8192, 8192)).toMatch(/this is 262144/);
    expect(frameSizeProblem(16_386, 16)).toMatch(/each side at most 16384/);
    expect(frameSizeProblem(641, 480)).toMatch(/must be even/);
    expect(frameSizeProblem(0, 480)).toMatch(/not a frame size/);
    expect(frameRateProblem(1000, 1)).toBeUndefined();
    expect(frameRateProblem(1, 1000)).toBeUndefined();
    expect(frameRateProblem(1001, 1)).toMatch(/between 0\.001 and 1000/);
    expect(frameRateProblem(30, 0)).toMatch(/out of range/);
    expect(frameRateProblem(29.97, 1)).toMatch(/not a fraction of whole numbers/);
  });

  it('capture() refuses a test pattern larger than H.264 allows, with the limit (usage)', async () => {
    const error = await capture({ width: 8192, height: 8192, frames: 2, save: join(dir, 'x.rrd') }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ code: 'usage' });
    expect((error as CliError).message).toMatch(
      /^--size: 8192x8192 is larger than H\.264 allows \(level 6\.2: at most 139264 macroblocks/,
    );
  });

  it('capture() refuses absurd frame rates (usage)', async () => {
    for (const [fpsNum, fpsDen] of [
      [1_000_000, 1],
      [1, 1_000_000],
      [30, 0.5],
    ] as const) {
      await expect(
        capture({ fpsNum, fpsDen, frames: 2, save: join(dir, 'x.rrd') }),
        `${fpsNum}/${fpsDen}`,
      ).rejects.toMatchObject({ code: 'usage', message: expect.stringMatching(/^--fps: frame rate /) });
    }
  });

  it('a Y4M header larger than H.264 allows is refused before a frame is allocated (input)', async () => {
    // Without the check the parser would allocate a 1.5e16-byte frame on the FRAME line.
    for (const [width, height, why] of [
      [16_000, 16_000, /at most 139264 macroblocks/],
      [8192, 8192, /at most 139264 macroblocks/],
      [65, 48, /must be even/],
    ] as const) {
      const error = await capture({
        input: '-',
        stdin: forgedY4m(width, height),
        save: join(dir, 'y.rrd'),
      }).catch((e: unknown) => e);
      expect(error, `${width}x${height}`).toBeInstanceOf(CliError);
      expect(error).toMatchObject({ code: 'input' });
      expect((error as CliError).message).toMatch(new RegExp(`^stdin's Y4M header: ${width}x${height} `));
      expect((error as CliError).message).toMatch(why);
    }
    // Core's Y4M reader refuses sides beyond 16384 itself, with its own one-line error.
    const forged = await capture({
      input: '-',
      stdin: forgedY4m(100_000_000, 100_000_000),
      save: join(dir, 'y.rrd'),
    }).catch((e: unknown) => e);
    expect(isCamstreamError(forged)).toBe(true);
    expect((forged as Error).message).toMatch(/^stdin: .*100000000x100000000/);
  });

  it('a .y4m file and raw input get the same limits', async () => {
    const y4m = join(dir, 'big.y4m');
    writeFileSync(y4m, Buffer.concat([y4mHeaderBytes(8192, 8192, 25), Y4M_FRAME_LINE]));
    await expect(capture({ input: y4m, save: join(dir, 'z.rrd') })).rejects.toMatchObject({
      code: 'input',
      message: expect.stringMatching(/big\.y4m's Y4M header: 8192x8192 is larger than H\.264 allows/),
    });
    const raw = join(dir, 'clip.yuv');
    writeFileSync(raw, Buffer.alloc(64));
    await expect(
      capture({ input: raw, width: 20_000, height: 2, save: join(dir, 'r.rrd') }),
    ).rejects.toMatchObject({ code: 'usage', message: expect.stringMatching(/^--size: 20000x2 is larger/) });
  });

  it('Y4M within the limits still reads every frame after the header', async () => {
    // The header line is parsed on its own now: the frames that arrived in the same piece must not be lost.
    const frames = [...testPattern({ width: 64, height: 48, fpsNum: 25, frames: 3 })];
    const bytes = Buffer.concat([
      y4mHeaderBytes(64, 48, 25),
      ...frames.flatMap((f) => [Y4M_FRAME_LINE, f.data]),
    ]);
    const summary = await capture({
      input: '-',
      stdin: Readable.from([bytes]),
      preset: 'ultrafast',
      save: join(dir, 'ok.rrd'),
    });
    expect(summary.frames).toBe(3);
  });
});
