import type { RawFrame } from '../model/pipeline.js';
import { frameByteLength } from '../model/pipeline.js';
import { frameTime } from '../time.js';
import { SourceError } from './source-error.js';
import {
  rotateTestPatternHue,
  type TestPatternColour,
  type TestPatternRect,
  testPatternLayout,
} from './test-pattern-layout.js';

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
  /**
   * Turns the colours' hue by this many degrees ({@link rotateTestPatternHue}), so that several patterns tell
   * apart on screen. Default 0: the standard colours.
   */
  readonly hue?: number;
}

function checkOptions(o: TestPatternOptions): void {
  const ints: [string, number | undefined, number][] = [
    ['width', o.width, 2],
    ['height', o.height, 2],
    ['fpsNum', o.fpsNum, 1],
    ['fpsDen', o.fpsDen, 1],
    ['frames', o.frames, 0],
    ['startIndex', o.startIndex, 0],
  ];
  if (o.hue !== undefined && !Number.isFinite(o.hue)) {
    throw new SourceError('invalid-options', `test pattern: hue must be a number of degrees, got ${o.hue}`);
  }
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

/**
 * Renders frame `index` of the test pattern into `out` (I420, `frameByteLength('I420', w, h)` bytes): the
 * rectangles of {@link testPatternLayout} (colour bars scrolling left one bar per second, a white box bouncing
 * across the middle, and the frame counter and the clock (PTS) as digits on black, top left). Deterministic:
 * the same index gives the same bytes.
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
  const planes: readonly Plane[] = [
    { data: data.subarray(0, w * h), stride: w, rows: h, sub: 0 },
    { data: data.subarray(w * h, w * h + cw * ch), stride: cw, rows: ch, sub: 1 },
    { data: data.subarray(w * h + cw * ch), stride: cw, rows: ch, sub: 1 },
  ];
  const rects = testPatternLayout({ width: w, height: h, index, pts });
  const hue = options.hue ?? 0;
  if (hue % 360 !== 0) recolour(rects, hue);
  // The leading full-height rectangles (the bars) are painted into the first row, which is then copied down.
  let i = 0;
  for (; i < rects.length; i++) {
    const rect = rects[i] as TestPatternRect;
    if (rect.y !== 0 || rect.height !== h) break;
    paintRect(planes, { ...rect, height: 1 });
  }
  if (i > 0) {
    // Doubling the rows copied each time: a dozen large copies per plane instead of one per row.
    for (const { data: plane, stride, rows } of planes) {
      for (let done = 1; done < rows; done *= 2) {
        plane.copyWithin(done * stride, 0, Math.min(done, rows - done) * stride);
      }
    }
  }
  for (; i < rects.length; i++) {
    const rect = rects[i] as TestPatternRect;
    paintRect(planes, rect);
  }
  return { format: 'I420', width: w, height: h, data, pts, index };
}

/** Turns the hue of every rectangle's colour (each distinct colour once: a frame has about ten). */
function recolour(rects: TestPatternRect[], hue: number): void {
  const turned = new Map<TestPatternColour, TestPatternColour>();
  for (let i = 0; i < rects.length; i++) {
    const rect = rects[i] as TestPatternRect;
    let colour = turned.get(rect.colour);
    if (colour === undefined) {
      colour = rotateTestPatternHue(rect.colour, hue);
      turned.set(rect.colour, colour);
    }
    rects[i] = { ...rect, colour };
  }
}

/** One plane of an I420 frame; `sub` is its subsampling shift (0 luma, 1 chroma). */
interface Plane {
  readonly data: Uint8Array;
  readonly stride: number;
  readonly rows: number;
  readonly sub: 0 | 1;
}

/** Paints a layout rectangle into the three planes. */
function paintRect(planes: readonly Plane[], rect: TestPatternRect): void {
  for (let p = 0; p < 3; p++) fillRect(planes[p] as Plane, rect, rect.colour.yuv[p] as number);
}

/**
 * Fills a rectangle given in luma pixels. A chroma sample takes the colour of its top-left luma pixel: it is
 * covered when that pixel is.
 */
function fillRect(plane: Plane, rect: Omit<TestPatternRect, 'colour'>, value: number): void {
  const { data, stride, rows, sub } = plane;
  const up = (n: number) => (n + sub) >> sub;
  const x0 = up(rect.x);
  const x1 = Math.min(stride, up(rect.x + rect.width));
  const y1 = Math.min(rows, up(rect.y + rect.height));
  for (let row = up(rect.y); row < y1; row++) data.fill(value, row * stride + x0, row * stride + x1);
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
