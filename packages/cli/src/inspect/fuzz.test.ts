import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCamstreamError } from '@camstream/core/media';
import { makeClip } from '@camstream/test-helpers/ffmpeg';
import { tempDir } from '@camstream/test-helpers/temp-dir';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../errors.js';
import { remux } from '../remux/remux.js';
import { inspect } from './inspect.js';

const dir = tempDir('camstream-clips-');
const originals = new Map<string, Uint8Array>();

beforeAll(async () => {
  for (const container of ['mp4', 'mkv', 'h264'] as const) {
    const path = makeClip(dir, 'src', { codec: 'h264', container, frames: 12, gop: 6 });
    originals.set(container, new Uint8Array(readFileSync(path)));
  }
  await remux(join(dir, 'src.mp4'), join(dir, 'src.rrd'));
  originals.set('rrd', new Uint8Array(readFileSync(join(dir, 'src.rrd'))));
});

/**
 * Either a report (a recording), or a one-line camstream error: never a raw error from the demuxer,
 * parser or decoder. Video files are remuxed too.
 */
async function reportsOrRefuses(path: string, remuxToo: boolean): Promise<void> {
  try {
    await inspect(path);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain(path);
  }
  if (!remuxToo) return;
  try {
    await remux(path, `${path}.rrd`);
  } catch (error) {
    // The recording itself may refuse what a damaged file claims (e.g. a negative time): core's error.
    if (!isCamstreamError(error)) throw error;
    expect(error.message).not.toContain('\n');
  }
}

const damage = fc.record({
  cut: fc.option(fc.double({ min: 0.05, max: 1, noNaN: true }), { nil: undefined }),
  writes: fc.array(
    fc.tuple(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.integer({ min: 0, max: 255 })),
    {
      maxLength: 24,
    },
  ),
});

describe('inspect and remux on damaged files (fast-check)', () => {
  for (const kind of ['mp4', 'mkv', 'h264', 'rrd']) {
    it(`a ${kind} cut short and with bytes overwritten gives a report or one clear error`, async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(damage, async ({ cut, writes }) => {
          const original = originals.get(kind)!;
          const bytes = original.slice(0, Math.max(1, Math.floor(original.length * (cut ?? 1))));
          for (const [at, value] of writes) bytes[Math.floor(at * bytes.length)] = value;
          const path = join(dir, `fuzz-${kind}-${run++}.${kind}`);
          writeFileSync(path, bytes);
          await reportsOrRefuses(path, kind !== 'rrd');
        }),
        { numRuns: 40 },
      );
    });
  }

  it('random bytes are refused with one clear error', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 4096 }), async (bytes) => {
        const path = join(dir, `random-${run++}.bin`);
        writeFileSync(path, bytes);
        await reportsOrRefuses(path, true);
      }),
      { numRuns: 40 },
    );
  });
});
