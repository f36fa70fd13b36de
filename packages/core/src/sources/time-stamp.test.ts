import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameByteLength, type PixelFormat } from '../model/pipeline.js';
import { SourceError } from './source-error.js';
import {
  drawTimeStamp,
  readTimeStamp,
  TIME_STAMP_BITS,
  TIME_STAMP_LAYOUT,
  type TimeStampFrame,
  timeStampBars,
  timeStampModules,
} from './time-stamp.js';

interface Image {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

const SIZES = [
  [320, 240],
  [640, 480],
  [1280, 720],
] as const;
const FORMATS: readonly PixelFormat[] = ['I420', 'NV12', 'RGBA'];
// Wall-clock times with many bits set both ways, and the ends of the range.
const TIMES = [1_760_000_123_456, 2 ** 48 - 1, 0, 0x5555_5555_5555, 0xaaaa_aaaa_aaaa];

/**
 * A busy I420 picture that moves with `index`: grey and coloured stripes, a gradient and a field of fine
 * checks, so the band has neighbours of every kind and the encoder has work to do.
 */
function busyI420(width: number, height: number, index: number): Uint8Array {
  const data = new Uint8Array(frameByteLength('I420', width, height));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const stripe = Math.floor((x + 3 * index) / 24) % 5;
      const checks = ((x >> 1) + (y >> 1) + index) % 2 ? 200 : 40;
      data[y * width + x] = y % 64 < 16 ? checks : 16 + ((stripe * 50 + ((x + y + index) >> 2)) % 220);
    }
  }
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      data[width * height + y * cw + x] = 64 + ((x * 3 + index) % 128);
      data[width * height + cw * ch + y * cw + x] = 64 + ((y * 5 + x) % 128);
    }
  }
  return data;
}

/** A frame of `format` showing {@link busyI420}. */
function patternFrame(format: PixelFormat, width: number, height: number, index = 7): TimeStampFrame {
  const i420 = busyI420(width, height, index);
  if (format === 'I420') return { format, width, height, data: i420 };
  if (format === 'RGBA') return { format, width, height, data: i420ToRgba(i420, width, height).data };
  const data = new Uint8Array(frameByteLength('NV12', width, height));
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  data.set(i420.subarray(0, width * height));
  for (let i = 0; i < cw * ch; i++) {
    data[width * height + 2 * i] = i420[width * height + i] as number;
    data[width * height + 2 * i + 1] = i420[width * height + cw * ch + i] as number;
  }
  return { format, width, height, data };
}

/** BT.601 limited range YUV → RGB, as a decoder shows it. */
function yuvToRgb(out: Uint8ClampedArray, at: number, y: number, u: number, v: number): void {
  const c = 1.164 * (y - 16);
  out[at] = c + 1.596 * (v - 128);
  out[at + 1] = c - 0.392 * (u - 128) - 0.813 * (v - 128);
  out[at + 2] = c + 2.017 * (u - 128);
  out[at + 3] = 255;
}

function i420ToRgba(data: Uint8Array, width: number, height: number): Image {
  const out = new Uint8ClampedArray(width * height * 4);
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = (y >> 1) * cw + (x >> 1);
      yuvToRgb(
        out,
        (y * width + x) * 4,
        data[y * width + x] as number,
        data[width * height + c] as number,
        data[width * height + cw * ch + c] as number,
      );
    }
  }
  return { data: out, width, height };
}

function toRgba(frame: TimeStampFrame): Image {
  const { data, width, height, format } = frame;
  if (format === 'RGBA') return { data: new Uint8ClampedArray(data), width, height };
  if (format === 'I420') return i420ToRgba(new Uint8Array(data), width, height);
  const cw = (width + 1) >> 1;
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = width * height + 2 * ((y >> 1) * cw + (x >> 1));
      yuvToRgb(
        out,
        (y * width + x) * 4,
        data[y * width + x] as number,
        data[c] as number,
        data[c + 1] as number,
      );
    }
  }
  return { data: out, width, height };
}

function scaleNearest(image: Image, factor: number): Image {
  const width = Math.round(image.width * factor);
  const height = Math.round(image.height * factor);
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(image.height - 1, Math.floor((y + 0.5) / factor));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(image.width - 1, Math.floor((x + 0.5) / factor));
      out.set(
        image.data.subarray((sy * image.width + sx) * 4, (sy * image.width + sx) * 4 + 4),
        (y * width + x) * 4,
      );
    }
  }
  return { data: out, width, height };
}

/** Bilinear between the four nearest source pixels, as a GPU samples a texture without mipmaps. */
function scaleBilinear(image: Image, factor: number): Image {
  const width = Math.round(image.width * factor);
  const height = Math.round(image.height * factor);
  const out = new Uint8ClampedArray(width * height * 4);
  const at = (x: number, y: number, c: number) =>
    image.data[
      (Math.min(image.height - 1, Math.max(0, y)) * image.width + Math.min(image.width - 1, Math.max(0, x))) *
        4 +
        c
    ] as number;
  for (let y = 0; y < height; y++) {
    const sy = (y + 0.5) / factor - 0.5;
    const y0 = Math.floor(sy);
    const fy = sy - y0;
    for (let x = 0; x < width; x++) {
      const sx = (x + 0.5) / factor - 0.5;
      const x0 = Math.floor(sx);
      const fx = sx - x0;
      for (let c = 0; c < 4; c++) {
        const top = at(x0, y0, c) * (1 - fx) + at(x0 + 1, y0, c) * fx;
        const bottom = at(x0, y0 + 1, c) * (1 - fx) + at(x0 + 1, y0 + 1, c) * fx;
        out[(y * width + x) * 4 + c] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return { data: out, width, height };
}

/** A deterministic pseudo-random generator (tests must not depend on Math.random). */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/**
 * `image` pasted at (`x`, `y`) into a larger picture of other content: noise on the left half, black and
 * white stripes of many widths on the right half (barcode-like clutter), as viewer chrome around a video.
 */
function embed(image: Image, width: number, height: number, x: number, y: number, seed = 1): Image {
  const out = new Uint8ClampedArray(width * height * 4);
  const next = random(seed);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const p = (row * width + col) * 4;
      const v = col < width / 2 ? next() * 255 : Math.floor(col / (1 + (row % 7))) % 2 ? 255 : 0;
      out[p] = v;
      out[p + 1] = v;
      out[p + 2] = col < width / 2 ? next() * 255 : v;
      out[p + 3] = 255;
    }
  }
  for (let row = 0; row < image.height; row++) {
    out.set(
      image.data.subarray(row * image.width * 4, (row + 1) * image.width * 4),
      ((y + row) * width + x) * 4,
    );
  }
  return { data: out, width, height };
}

function read(image: Image) {
  return readTimeStamp(image.data, image.width, image.height);
}

function stampedRgba(width: number, height: number, ms: number, index = 7): Image {
  const frame = patternFrame('RGBA', width, height, index);
  drawTimeStamp(frame, ms);
  return toRgba(frame);
}

/** Repaints module `i` of an RGBA frame's band in the opposite colour. */
function flipModule(image: Image, i: number, bandHeight: number): void {
  const x0 = Math.round((i * image.width) / TIME_STAMP_LAYOUT.modules);
  const x1 = Math.round(((i + 1) * image.width) / TIME_STAMP_LAYOUT.modules);
  const v = (image.data[x0 * 4] as number) < 128 ? 255 : 0;
  for (let y = 0; y < bandHeight; y++) {
    for (let x = x0; x < x1; x++)
      image.data.fill(v, (y * image.width + x) * 4, (y * image.width + x) * 4 + 3);
  }
}

describe('timeStampModules', () => {
  it('lays out quiet zones, guards, the time most significant bit first and a CRC', () => {
    const modules = timeStampModules(1);
    expect(modules.length).toBe(TIME_STAMP_LAYOUT.modules);
    expect([...modules.subarray(0, 8)]).toEqual([0, 0, 1, 1, 1, 0, 1, 0]);
    expect([...modules.subarray(8, 8 + TIME_STAMP_BITS)]).toEqual([...Array(47).fill(0), 1]);
    expect([...modules.subarray(72)]).toEqual([0, 1, 0, 1, 1, 0, 0, 0]);
    // CRC-16 poly 0x3D65, init 0, final XOR 0xFFFF over 00 00 00 00 00 01 (computed bit by bit here).
    let crc = 0;
    for (const byte of [0, 0, 0, 0, 0, 1]) {
      crc ^= byte << 8;
      for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x3d65) & 0xffff : (crc << 1) & 0xffff;
    }
    const bits = [...modules.subarray(56, 72)].join('');
    expect(bits).toBe((crc ^ 0xffff).toString(2).padStart(16, '0'));
  });

  it('refuses a time that is not a whole number of milliseconds in [0, 2^48)', () => {
    for (const ms of [-1, 2 ** 48, 1.5, Number.NaN]) expect(() => timeStampModules(ms)).toThrow(SourceError);
  });
});

describe('timeStampBars', () => {
  it('puts a band an eighth of the height (24 rows at least) at the top, bars on module edges', () => {
    expect(timeStampBars(1280, 720, 0).band).toEqual({ x: 0, y: 0, width: 1280, height: 90 });
    expect(timeStampBars(320, 120, 0).band).toEqual({ x: 0, y: 0, width: 320, height: 24 });
    expect(timeStampBars(320, 16, 0).band.height).toBe(16);
    const { bars } = timeStampBars(320, 240, 0, { top: 100, height: 30 });
    expect(bars[0]).toEqual({ x: 8, y: 100, width: 12, height: 30 });
  });

  it('refuses a frame narrower than one pixel per module or a band outside the frame', () => {
    expect(() => timeStampBars(79, 240, 0)).toThrow(SourceError);
    expect(() => timeStampBars(320, 240, 0, { top: 230, height: 24 })).toThrow(SourceError);
  });
});

describe('drawTimeStamp and readTimeStamp', () => {
  for (const [width, height] of SIZES) {
    for (const format of FORMATS) {
      it(`round-trips ${width}x${height} ${format}`, () => {
        for (const ms of TIMES) {
          const frame = patternFrame(format, width, height);
          drawTimeStamp(frame, ms);
          expect(read(toRgba(frame))).toEqual({ ms, rows: timeStampBars(width, height, ms).band.height });
        }
      });
    }
  }

  it('writes luma black 16 and white 235 and neutral chroma over the band, and nothing below it', () => {
    const frame = patternFrame('I420', 320, 240);
    const before = new Uint8Array(frame.data);
    drawTimeStamp(frame, 1_760_000_123_456, { top: 10, height: 30 });
    const { data } = frame;
    expect(new Set(data.subarray(10 * 320, 40 * 320))).toEqual(new Set([16, 235]));
    expect(data.subarray(0, 10 * 320)).toEqual(before.subarray(0, 10 * 320));
    expect(data.subarray(40 * 320, 320 * 240)).toEqual(before.subarray(40 * 320, 320 * 240));
    const u = data.subarray(320 * 240, 320 * 240 + 160 * 120);
    const v = data.subarray(320 * 240 + 160 * 120);
    expect(new Set([...u.subarray(5 * 160, 20 * 160), ...v.subarray(5 * 160, 20 * 160)])).toEqual(
      new Set([128]),
    );
    expect(u.subarray(20 * 160)).toEqual(before.subarray(320 * 240 + 20 * 160, 320 * 240 + 160 * 120));
  });

  it('stamps a band placed anywhere in the frame', () => {
    const frame = patternFrame('NV12', 640, 480);
    drawTimeStamp(frame, 123_456_789, { top: 301, height: 25 });
    expect(read(toRgba(frame))).toEqual({ ms: 123_456_789, rows: 25 });
  });

  it('refuses a buffer shorter than the frame', () => {
    const frame = { format: 'I420' as const, width: 320, height: 240, data: new Uint8Array(1000) };
    expect(() => drawTimeStamp(frame, 0)).toThrow(/needs 115200/);
  });
});

describe('readTimeStamp on a scaled frame inside a larger picture', () => {
  const ms = 1_760_000_987_654;
  // Down to ~1.5 pixels per module (320 pixels ×0.37); ×4 only where the picture stays small.
  const factors = { 320: [0.37, 0.5, 1.7, 4], 640: [0.25, 0.37, 0.5, 1.7], 1280: [0.25, 0.37, 0.5, 1.7] };
  for (const [width, height] of SIZES) {
    for (const [name, scale] of [
      ['nearest', scaleNearest],
      ['bilinear', scaleBilinear],
    ] as const) {
      for (const factor of factors[width]) {
        it(`${width}x${height} ×${factor} ${name}`, () => {
          const scaled = scale(stampedRgba(width, height, ms), factor);
          const picture = embed(scaled, scaled.width + 97, scaled.height + 61, 41, 23);
          const result = read(picture);
          expect(result).toMatchObject({ ms });
          // Every row of the band but the blurred edges agrees.
          expect((result as { rows: number }).rows).toBeGreaterThanOrEqual(
            Math.floor(timeStampBars(width, height, ms).band.height * factor) - 2,
          );
        });
      }
    }
  }

  it('reads inside a region and finds nothing outside it', () => {
    const picture = embed(stampedRgba(640, 480, ms), 1280, 800, 600, 300);
    expect(readTimeStamp(picture.data, 1280, 800, { x: 590, y: 290, width: 660, height: 200 })).toMatchObject(
      {
        ms,
      },
    );
    expect(readTimeStamp(picture.data, 1280, 800, { x: 0, y: 0, width: 1280, height: 300 })).toEqual({
      error: 'not-found',
    });
  });
});

describe('readTimeStamp refuses what it cannot read for sure', () => {
  const ms = 1_760_000_555_555;

  it('finds nothing in a picture without a band, in noise, or in a blank picture', () => {
    expect(read(toRgba(patternFrame('I420', 640, 480)))).toEqual({ error: 'not-found' });
    // Noise on the left, stripes of 1 to 7 pixels on the right.
    const noise = embed({ data: new Uint8ClampedArray(0), width: 0, height: 0 }, 1280, 800, 0, 0, 5);
    expect(read(noise)).toEqual({ error: 'not-found' });
    expect(read({ data: new Uint8ClampedArray(320 * 240 * 4).fill(255), width: 320, height: 240 })).toEqual({
      error: 'not-found',
    });
  });

  it('finds no band when its right part is cut off', () => {
    const image = stampedRgba(640, 480, ms);
    for (const keep of [0.6, 0.9, 0.97]) {
      const width = Math.round(640 * keep);
      const cut = new Uint8ClampedArray(width * 480 * 4);
      for (let y = 0; y < 480; y++) {
        cut.set(image.data.subarray(y * 640 * 4, (y * 640 + width) * 4), y * width * 4);
      }
      expect(readTimeStamp(cut, width, 480)).toHaveProperty('error');
    }
  });

  it('says checksum when one data module is wrong, and not-found when a guard module is', () => {
    const data = stampedRgba(640, 480, ms);
    flipModule(data, 30, 60);
    expect(read(data)).toEqual({ error: 'checksum' });
    const guard = stampedRgba(640, 480, ms);
    flipModule(guard, 6, 60);
    expect(read(guard)).toEqual({ error: 'not-found' });
  });

  it('says unreadable when a module is grey', () => {
    const image = stampedRgba(640, 480, ms);
    for (let y = 0; y < 60; y++) image.data.fill(128, (y * 640 + 40 * 8) * 4, (y * 640 + 41 * 8) * 4);
    expect(read(image)).toEqual({ error: 'unreadable' });
  });

  it('says too-few-rows for a band of fewer rows than minRows, and reads it when one row is enough', () => {
    const frame = patternFrame('RGBA', 640, 480);
    drawTimeStamp(frame, ms, { top: 100, height: 2 });
    expect(read(toRgba(frame))).toEqual({ error: 'too-few-rows' });
    expect(readTimeStamp(frame.data, 640, 480, undefined, { minRows: 1 })).toEqual({ ms, rows: 2 });
  });

  it('finds no band in a mirrored picture', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (time) => {
        const image = stampedRgba(320, 240, time);
        const mirrored = new Uint8ClampedArray(image.data.length);
        for (let y = 0; y < 240; y++) {
          for (let x = 0; x < 320; x++) {
            const from = (y * 320 + x) * 4;
            mirrored.set(image.data.subarray(from, from + 4), (y * 320 + 319 - x) * 4);
          }
        }
        expect(read({ data: mirrored, width: 320, height: 240 })).toEqual({ error: 'not-found' });
      }),
      { numRuns: 50 },
    );
  });

  it('says inconsistent when two bands show different times', () => {
    const frame = patternFrame('RGBA', 640, 480);
    drawTimeStamp(frame, ms);
    drawTimeStamp(frame, ms + 1, { top: 200, height: 30 });
    expect(read(toRgba(frame))).toEqual({ error: 'inconsistent' });
  });

  it('never returns a wrong time for a band with up to 5 wrong data modules and any wrong guard modules', () => {
    const { modules, dataStart, dataBits } = TIME_STAMP_LAYOUT;
    const guardModules = [...Array(modules).keys()].filter((i) => i < dataStart || i >= dataStart + dataBits);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 48 - 1 }),
        fc.uniqueArray(fc.integer({ min: dataStart, max: dataStart + dataBits - 1 }), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.uniqueArray(fc.constantFrom(...guardModules), { maxLength: 4 }),
        fc.constantFrom(...FORMATS),
        (time, dataFlips, guardFlips, format) => {
          const frame = patternFrame(format, 320, 240);
          drawTimeStamp(frame, time);
          const image = toRgba(frame);
          for (const i of [...dataFlips, ...guardFlips]) flipModule(image, i, 30);
          expect(read(image)).toHaveProperty('error');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never returns a wrong time for a band with noise, stripes or a flat patch over part of it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 48 - 1 }),
        fc.integer({ min: 0, max: 319 }),
        fc.integer({ min: 1, max: 120 }),
        fc.constantFrom('noise', 'stripes', 'black', 'white'),
        fc.integer({ min: 1, max: 2 ** 31 }),
        (time, x0, patchWidth, kind, seed) => {
          const image = stampedRgba(320, 240, time);
          const next = random(seed);
          const x1 = Math.min(320, x0 + patchWidth);
          for (let y = 0; y < 30; y++) {
            for (let x = x0; x < x1; x++) {
              const v =
                kind === 'noise'
                  ? next() * 255
                  : kind === 'stripes'
                    ? ((x >> 1) % 2) * 255
                    : kind === 'black'
                      ? 0
                      : 255;
              image.data.fill(v, (y * 320 + x) * 4, (y * 320 + x) * 4 + 3);
            }
          }
          const result = read(image);
          if ('ms' in result) expect(result.ms).toBe(time);
        },
      ),
      { numRuns: 200 },
    );
  });
});

function hasX264(): boolean {
  try {
    return execFileSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' }).includes('libx264');
  } catch {
    return false;
  }
}

const X264 = hasX264();
if (!X264) {
  // Loud on purpose: a skip here means the stamp was not proven to survive a real H.264 round trip.
  console.warn(
    '\n\n*** SKIPPING the H.264 round trip of time stamps: ffmpeg with libx264 is not installed ***\n\n',
  );
}

/** Encodes I420 frames with x264 and decodes them back to RGBA (scaled by `scale`, if given), frame by frame. */
function h264RoundTrip(
  frames: readonly Uint8Array[],
  width: number,
  height: number,
  preset: string,
  scale?: { readonly width: number; readonly height: number; readonly flags: string },
): Image[] {
  const quiet = ['-hide_banner', '-loglevel', 'error'];
  const h264 = execFileSync(
    'ffmpeg',
    [
      ...quiet,
      ...['-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${width}x${height}`, '-r', '30', '-i', 'pipe:0'],
      ...['-c:v', 'libx264', '-preset', preset, '-crf', '23', '-threads', '1', '-f', 'h264', 'pipe:1'],
    ],
    { input: Buffer.concat(frames), maxBuffer: 1 << 30 },
  );
  const out = scale ?? { width, height, flags: 'bilinear' };
  const rgba = execFileSync(
    'ffmpeg',
    [
      ...quiet,
      ...['-f', 'h264', '-i', 'pipe:0', '-vf', `scale=${out.width}:${out.height}:flags=${out.flags}`],
      ...['-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1'],
    ],
    { input: h264, maxBuffer: 1 << 30 },
  );
  const size = out.width * out.height * 4;
  expect(rgba.length).toBe(size * frames.length);
  return frames.map((_, i) => ({
    data: new Uint8ClampedArray(rgba.buffer, rgba.byteOffset + i * size, size),
    width: out.width,
    height: out.height,
  }));
}

describe.skipIf(!X264)('readTimeStamp after a real H.264 round trip (Debian ffmpeg, libx264 crf 23)', () => {
  const start = 1_760_000_000_000;
  const cases = [
    { width: 320, height: 240, preset: 'ultrafast' },
    { width: 640, height: 480, preset: 'veryfast' },
    { width: 1280, height: 720, preset: 'ultrafast' },
    { width: 1280, height: 720, preset: 'veryfast', scale: { width: 474, height: 266, flags: 'bilinear' } },
    { width: 640, height: 480, preset: 'ultrafast', scale: { width: 1088, height: 816, flags: 'bicubic' } },
    { width: 640, height: 480, preset: 'ultrafast', scale: { width: 320, height: 240, flags: 'area' } },
  ];
  for (const { width, height, preset, scale } of cases) {
    const shown = scale ? ` shown at ${scale.width}x${scale.height} (${scale.flags})` : '';
    it(`${width}x${height} ${preset}${shown}`, () => {
      // A moving picture and a time that changes every frame, as a camera at 30 fps gives.
      const times = Array.from({ length: 12 }, (_, i) => start + Math.round(i * 33.3) + (i % 3) * 1_000_003);
      const frames = times.map((ms, i) => {
        const frame = patternFrame('I420', width, height, i * 5);
        drawTimeStamp(frame, ms);
        return frame.data as Uint8Array;
      });
      const decoded = h264RoundTrip(frames, width, height, preset, scale);
      const pictures = decoded.map((image) => embed(image, image.width + 200, image.height + 100, 150, 60));
      expect(pictures.map((picture) => read(picture))).toEqual(
        times.map((ms) => expect.objectContaining({ ms })),
      );
    }, 60_000);
  }
});
