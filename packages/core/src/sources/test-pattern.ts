import type { RawFrame } from '../model/pipeline.js';
import { frameByteLength } from '../model/pipeline.js';
import { frameTime } from '../time.js';
import { SourceError } from './source-error.js';

/** Options of {@link testPattern} and {@link renderTestPattern}. */
export interface TestPatternOptions {
  readonly width: number;
  readonly height: number;
  /** Frame rate numerator (e.g. 30, or 30000 with `fpsDen` 1001). */
  readonly fpsNum: number;
  /** Frame rate denominator. Default 1. */
  readonly fpsDen?: number;
  /** Number of frames; default unbounded. */
  readonly frames?: number;
  /** First frame index (its PTS follows from it). Default 0. */
  readonly startIndex?: number;
}

/**
 * The eight bars' colours as BT.601 limited-range Y, U, V (75% bars: white, yellow, cyan, green, magenta, red,
 * blue, black), left to right at frame 0. Exported so viewer tests can look for them on screen.
 */
export const TEST_PATTERN_BARS: readonly (readonly [number, number, number])[] = [
  [180, 128, 128],
  [162, 44, 142],
  [131, 156, 44],
  [112, 72, 58],
  [84, 184, 198],
  [65, 100, 212],
  [35, 212, 114],
  [16, 128, 128],
];

// 3x5 glyphs for 0-9 and ':' '.' (rows top to bottom, 3 bits each, MSB = left).
const GLYPHS: Record<string, readonly number[]> = {
  '0': [7, 5, 5, 5, 7],
  '1': [2, 6, 2, 2, 7],
  '2': [7, 1, 7, 4, 7],
  '3': [7, 1, 7, 1, 7],
  '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7],
  '6': [7, 4, 7, 5, 7],
  '7': [7, 1, 1, 1, 1],
  '8': [7, 5, 7, 5, 7],
  '9': [7, 5, 7, 1, 7],
  ':': [0, 2, 0, 2, 0],
  '.': [0, 0, 0, 0, 2],
};

function checkOptions(o: TestPatternOptions): void {
  const ints: [string, number | undefined, number][] = [
    ['width', o.width, 2],
    ['height', o.height, 2],
    ['fpsNum', o.fpsNum, 1],
    ['fpsDen', o.fpsDen, 1],
    ['frames', o.frames, 0],
    ['startIndex', o.startIndex, 0],
  ];
  for (const [name, value, min] of ints) {
    if (value === undefined && name !== 'width' && name !== 'height' && name !== 'fpsNum') continue;
    if (value === undefined || !Number.isSafeInteger(value) || value < min) {
      throw new SourceError(
        'invalid-options',
        `test pattern: ${name} must be an integer ≥ ${min}, got ${value}`,
      );
    }
  }
}

/** `hh:mm:ss.mmm` of a PTS in ns. */
function clockText(pts: bigint): string {
  const ms = Number(pts / 1_000_000n);
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  return `${pad(Math.floor(ms / 3_600_000), 2)}:${pad(Math.floor(ms / 60_000) % 60, 2)}:${pad(Math.floor(ms / 1000) % 60, 2)}.${pad(ms % 1000, 3)}`;
}

/**
 * Renders frame `index` of the test pattern into `out` (I420, `frameByteLength('I420', w, h)` bytes): colour
 * bars scrolling left one bar per second, a white box bouncing across the middle, and the frame counter and
 * the clock (PTS) as digits on black, top left. Deterministic: the same index gives the same bytes.
 */
export function renderTestPattern(options: TestPatternOptions, index: number, out?: Uint8Array): RawFrame {
  checkOptions(options);
  const { width: w, height: h, fpsNum } = options;
  const fpsDen = options.fpsDen ?? 1;
  const size = frameByteLength('I420', w, h);
  const data = out ?? new Uint8Array(size);
  if (data.length !== size) {
    throw new SourceError(
      'invalid-options',
      `test pattern: the output buffer holds ${data.length} bytes, ${w}x${h} I420 needs ${size}`,
    );
  }
  const pts = frameTime(index, fpsNum, fpsDen);
  const cw = (w + 1) >> 1;
  const ch = (h + 1) >> 1;
  const yPlane = data.subarray(0, w * h);
  const uPlane = data.subarray(w * h, w * h + cw * ch);
  const vPlane = data.subarray(w * h + cw * ch);

  // Bars: one row per plane, then copied down. Scroll one bar width per second.
  const barW = w / 8;
  const shift = Math.floor(((index * fpsDen) / fpsNum) * barW) % w;
  const yRow = new Uint8Array(w);
  for (let x = 0; x < w; x++) {
    const bar = TEST_PATTERN_BARS[Math.floor(((x + shift) % w) / barW) % 8] as readonly number[];
    yRow[x] = bar[0] as number;
  }
  for (let y = 0; y < h; y++) yPlane.set(yRow, y * w);
  const uRow = new Uint8Array(cw);
  const vRow = new Uint8Array(cw);
  for (let x = 0; x < cw; x++) {
    const bar = TEST_PATTERN_BARS[Math.floor(((((2 * x) % w) + shift) % w) / barW) % 8] as readonly number[];
    uRow[x] = bar[1] as number;
    vRow[x] = bar[2] as number;
  }
  for (let y = 0; y < ch; y++) {
    uPlane.set(uRow, y * cw);
    vPlane.set(vRow, y * cw);
  }

  // A white box bouncing left-right across the middle, 2 px per frame: motion the encoder must track.
  const box = Math.max(2, Math.floor(Math.min(w, h) / 6)) & ~1;
  const travel = Math.max(1, w - box);
  const phase = (index * 2) % (2 * travel);
  const bx = (phase < travel ? phase : 2 * travel - phase) & ~1;
  const by = ((h - box) >> 1) & ~1;
  fillRect(yPlane, w, bx, by, box, box, 235);
  fillRect(uPlane, cw, bx >> 1, by >> 1, box >> 1, box >> 1, 128);
  fillRect(vPlane, cw, bx >> 1, by >> 1, box >> 1, box >> 1, 128);

  // Frame counter and clock, white on black.
  const scale = Math.max(1, Math.floor(h / 60));
  const lines = [String(index).padStart(6, '0'), clockText(pts)];
  const textW = (12 * 4 + 1) * scale;
  const textH = (lines.length * 6 + 1) * scale;
  fillRect(yPlane, w, 0, 0, Math.min(w, textW), Math.min(h, textH), 16);
  fillRect(uPlane, cw, 0, 0, Math.min(cw, (textW + 1) >> 1), Math.min(ch, (textH + 1) >> 1), 128);
  fillRect(vPlane, cw, 0, 0, Math.min(cw, (textW + 1) >> 1), Math.min(ch, (textH + 1) >> 1), 128);
  lines.forEach((text, row) => {
    for (let c = 0; c < text.length; c++) {
      const glyph = GLYPHS[text[c] as string] ?? [];
      glyph.forEach((bits, gy) => {
        for (let gx = 0; gx < 3; gx++) {
          if ((bits >> (2 - gx)) & 1) {
            fillRect(yPlane, w, (1 + c * 4 + gx) * scale, (1 + row * 6 + gy) * scale, scale, scale, 235);
          }
        }
      });
    }
  });
  return { format: 'I420', width: w, height: h, data, pts, index };
}

function fillRect(
  plane: Uint8Array,
  stride: number,
  x: number,
  y: number,
  rw: number,
  rh: number,
  value: number,
): void {
  const rows = plane.length / stride;
  const x1 = Math.min(stride, x + rw);
  const y1 = Math.min(rows, y + rh);
  for (let row = Math.max(0, y); row < y1; row++)
    plane.fill(value, row * stride + Math.max(0, x), row * stride + x1);
}

/**
 * The test pattern as a stream of I420 {@link RawFrame}s (each with its own buffer, so frames can be
 * transferred to a worker), PTS from the frame rate. Unpaced: a live caller paces it itself.
 */
export function* testPattern(options: TestPatternOptions): Generator<RawFrame, void, undefined> {
  checkOptions(options);
  const start = options.startIndex ?? 0;
  const end = options.frames === undefined ? Number.POSITIVE_INFINITY : start + options.frames;
  for (let i = start; i < end; i++) yield renderTestPattern(options, i);
}
