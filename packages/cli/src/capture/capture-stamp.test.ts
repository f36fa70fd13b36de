import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeRrd, renderTestPattern } from '@camstream/core';
import { drawTimeStamp, readTimeStamp, TIME_STAMP_LAYOUT } from '@camstream/core/media';
import { concatBytes } from '@camstream/test-helpers/bytes';
import { tempDir } from '@camstream/test-helpers/temp-dir';
import { describe, expect, it } from 'vitest';
import { capture } from './capture.js';
import type { CaptureOptions } from './options.js';

// The test pattern's `stamp` against the real encoders: the system ffmpeg decodes what camstream saved, and the
// time read from each picture must be that frame's log_time in the recording.
const dir = tempDir('camstream-stamp-');

/** The video samples of `/video_stream` in a saved recording, each with its `log_time` (ns). */
async function savedVideo(path: string): Promise<{ samples: Uint8Array[]; logTimes: bigint[] }> {
  const { messages, errors } = decodeRrd(new Uint8Array(await readFile(path)));
  expect(errors).toEqual([]);
  const samples: Uint8Array[] = [];
  const logTimes: bigint[] = [];
  for (const message of messages) {
    if (message.kind !== 'arrow_msg' || message.chunk.entityPath !== '/video_stream') continue;
    const sample = message.chunk.components.find((c) => c.component === 'VideoStream:sample');
    if (sample === undefined) continue;
    for (const row of sample.rows) {
      const blob = row?.[0] as { toArray(): Uint8Array } | undefined;
      if (blob === undefined) throw new Error('a VideoStream:sample row without a sample');
      samples.push(blob.toArray());
    }
    logTimes.push(...(message.chunk.timelines.find((t) => t.name === 'log_time')?.values ?? []));
  }
  expect(logTimes).toHaveLength(samples.length);
  return { samples, logTimes };
}

/** Decodes H.264 samples with the system ffmpeg into `pixFmt` pictures, one per sample. */
function decode(samples: readonly Uint8Array[], width: number, height: number, pixFmt: 'rgba' | 'yuv420p') {
  const out = execFileSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'h264', '-i', 'pipe:0'],
      ...['-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', pixFmt, 'pipe:1'],
    ],
    { input: concatBytes(samples), maxBuffer: 1 << 30 },
  );
  const size = pixFmt === 'rgba' ? width * height * 4 : (width * height * 3) / 2;
  expect(out.length).toBe(size * samples.length);
  return samples.map((_, i) => new Uint8Array(out.buffer, out.byteOffset + i * size, size));
}

/** The log_time of a frame as whole milliseconds (it must be one: the stamp holds no finer time). */
function wholeMs(logTime: bigint): number {
  expect(logTime % 1_000_000n).toBe(0n);
  return Number(logTime / 1_000_000n);
}

// Each case starts an encoder (a system ffmpeg process or ffmpeg.wasm workers): seconds on a busy 2-core machine.
describe('capture() with a stamped test pattern', { timeout: 90_000 }, () => {
  const cases: { name: string; width: number; height: number; options: CaptureOptions }[] = [
    {
      name: '640x480, ,stamp on a pattern source, system ffmpeg, batch',
      width: 640,
      height: 480,
      options: { sources: [{ pattern: '640x480@30', stamp: true }], encoder: 'ffmpeg' },
    },
    {
      name: '1280x720, the default pattern with stamp, system ffmpeg, paced (live)',
      width: 1280,
      height: 720,
      options: { stamp: true, realtime: true, encoder: 'ffmpeg' },
    },
    {
      name: '640x480, ffmpeg.wasm, batch',
      width: 640,
      height: 480,
      options: { stamp: true, width: 640, height: 480, encoder: 'wasm' },
    },
    {
      name: '640x480, ffmpeg.wasm, paced (live)',
      width: 640,
      height: 480,
      options: { stamp: true, width: 640, height: 480, realtime: true, encoder: 'wasm' },
    },
  ];
  for (const { name, width, height, options } of cases) {
    it(`reads each decoded frame's log_time from its picture: ${name}`, async () => {
      const save = join(dir, `${width}x${height}-${options.encoder}-${options.realtime === true}.rrd`);
      const summary = await capture({ ...options, frames: 6, preset: 'ultrafast', save });
      expect(summary.frames).toBe(6);
      const { samples, logTimes } = await savedVideo(save);
      expect(samples).toHaveLength(6);
      const pictures = decode(samples, width, height, 'rgba');
      expect(pictures.map((rgba) => readTimeStamp(rgba, width, height))).toEqual(
        logTimes.map((t) => expect.objectContaining({ ms: wholeMs(t) })),
      );
      // Paced at 30 fps, every frame has a time of its own: the stamp is drawn per frame, not once.
      if (options.realtime === true) expect(new Set(logTimes).size).toBe(6);
    });
  }

  it('refuses a pattern narrower than the band has modules before anything is saved (usage)', async () => {
    const save = join(dir, 'narrow.rrd');
    await expect(
      capture({ sources: [{ pattern: '64x48@30', stamp: true }], frames: 1, encoder: 'ffmpeg', save }),
    ).rejects.toMatchObject({
      code: 'usage',
      message: expect.stringMatching(/--stamp needs a test pattern at least 80 pixels wide.*64x48/),
    });
    expect(existsSync(save)).toBe(false);
  });

  it('rejects a decoded picture whose band was tampered with, never reading a wrong time', async () => {
    const save = join(dir, 'tampered.rrd');
    await capture({ stamp: true, width: 640, height: 480, frames: 1, encoder: 'ffmpeg', save });
    const { samples, logTimes } = await savedVideo(save);
    const [rgba] = decode(samples, 640, 480, 'rgba');
    expect(readTimeStamp(rgba!, 640, 480)).toMatchObject({ ms: wholeMs(logTimes[0]!) });
    // 480 / 8 = 60 band rows; 8 pixels per module.
    const paint = (module: number, value: (old: number) => number) => {
      const copy = new Uint8Array(rgba!);
      for (let y = 0; y < 60; y++) {
        for (let x = module * 8; x < (module + 1) * 8; x++) {
          for (let c = 0; c < 3; c++) copy[(y * 640 + x) * 4 + c] = value(copy[(y * 640 + x) * 4 + c]!);
        }
      }
      return copy;
    };
    const { dataStart } = TIME_STAMP_LAYOUT;
    // A data module turned over (time or CRC), a module greyed, a guard bar turned over.
    const invert = (v: number) => (v < 128 ? 255 : 0);
    const cases = [
      [dataStart + 20, invert, 'checksum'],
      [dataStart + 60, invert, 'checksum'],
      [dataStart + 30, () => 128, 'unreadable'],
      [3, () => 255, 'not-found'],
    ] as const;
    for (const [module, value, error] of cases) {
      expect(readTimeStamp(paint(module, value), 640, 480), `module ${module}`).toEqual({ error });
    }
  });

  it('draws the band over the rendered pattern and nothing else; without stamp the frames are as before', async () => {
    // Lossless H.264 (crf 0), so what the encoder took comes back byte for byte.
    const run = async (stamp: boolean) => {
      const save = join(dir, `lossless-${stamp}.rrd`);
      const options = { width: 320, height: 240, frames: 4, crf: 0, encoder: 'ffmpeg' as const, save };
      await capture(stamp ? { ...options, stamp } : options);
      const { samples, logTimes } = await savedVideo(save);
      return { pictures: decode(samples, 320, 240, 'yuv420p'), logTimes };
    };
    const pattern = { width: 320, height: 240, fpsNum: 30 };
    const plain = await run(false);
    plain.pictures.forEach((picture, i) => {
      // The index of the first differing byte, if any (a diff of whole frames would take long to print).
      const rendered = renderTestPattern(pattern, i).data;
      expect(picture.findIndex((v, j) => v !== rendered[j])).toBe(-1);
    });
    const stamped = await run(true);
    stamped.pictures.forEach((picture, i) => {
      const frame = renderTestPattern(pattern, i);
      drawTimeStamp(frame, wholeMs(stamped.logTimes[i]!));
      expect(picture.findIndex((v, j) => v !== frame.data[j])).toBe(-1);
    });
  });
});
