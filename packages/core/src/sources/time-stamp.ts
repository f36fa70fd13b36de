import { frameByteLength, type PixelFormat } from '../model/pipeline.js';
import { SourceError } from './source-error.js';

/**
 * A machine-readable capture time drawn into the picture, so latency can be measured on a screenshot of
 * whatever shows the video (glass to glass). The stamp is a 1-D barcode band across the full frame width: a
 * start guard, 48 bits of wall-clock milliseconds and a 16-bit CRC, one module each (black = 1), and a stop
 * guard. The reader finds both guards in a row at any scale, takes the module width from the distance
 * between their bars (no scale needs to be known), samples every module in its middle, and refuses the row
 * unless every module is clearly black or white, the guards match and the CRC holds; then the rows vote.
 */

/** Bits of the stamped time: whole milliseconds, `0 <= ms < 2 ** 48` (good until the year 10889). */
export const TIME_STAMP_BITS = 48;

/**
 * The stamp's layout in modules (equal-width vertical bars), left to right. {@link drawTimeStamp} and
 * anything that paints the stamp elsewhere (a canvas) take their bars from {@link timeStampBars}, which
 * follows it.
 */
export const TIME_STAMP_LAYOUT = {
  /** Modules across the frame width. */
  modules: 80,
  /**
   * Modules 0-7 (1 = black): a white quiet zone of 2 (the bar's left edge needs a white neighbour whatever
   * surrounds the frame), a bar of 3, a space, a bar, a space.
   */
  startGuard: [0, 0, 1, 1, 1, 0, 1, 0],
  /** First data module: the time, most significant bit first, then the CRC. */
  dataStart: 8,
  /** Data bits: {@link TIME_STAMP_BITS} of time and 16 of CRC. */
  dataBits: 64,
  /**
   * Modules 72-79: a space, a bar, a space, a bar of 2, a white quiet zone of 3. Not the start guard
   * mirrored, so a mirrored band never reads.
   */
  stopGuard: [0, 1, 0, 1, 1, 0, 0, 0],
  /**
   * CRC-16 with CRC-16/DNP's polynomial 0x3D65 (here MSB first, initial 0, final XOR 0xFFFF) over the 6
   * bytes of the time, big-endian. Over this 64-bit code word its Hamming distance is 6: up to 5 wrong data
   * modules, and any odd number of them, are always detected; other corruptions pass with p = 2^-16.
   */
  crcPolynomial: 0x3d65,
} as const;

const L = TIME_STAMP_LAYOUT;
const MODULES = L.modules;
// The guards' wide bars (modules 2-4 and 75-76); the distance of their centres sets the module width when
// reading.
const START_BAR = { from: 2, width: 3 };
const STOP_BAR = { from: 75, width: 2 };
const START_BAR_CENTRE = START_BAR.from + START_BAR.width / 2;
const STOP_BAR_CENTRE = STOP_BAR.from + STOP_BAR.width / 2;
const BAR_DISTANCE = STOP_BAR_CENTRE - START_BAR_CENTRE;
// Module boundaries at the edges around the start guard's bars (in order: quiet→bar, bar→space, space→thin
// bar, thin bar→space) and the stop guard's (space→thin bar, thin bar→space, space→bar, bar→quiet).
const START_EDGES = [2, 5, 6, 7];
const STOP_EDGES = [73, 74, 75, 77];
// White modules for the white level: one in each quiet zone, away from the frame's edge.
const WHITE_MODULES = [1, 78];
const TIME_HIGH = 2 ** 24;

/** Where {@link drawTimeStamp} puts the band; both default so that any frame gets a readable band. */
export interface TimeStampOptions {
  /** First row of the band. Default 0 (the top of the frame). */
  readonly top?: number;
  /** Rows of the band. Default an eighth of the frame height, at least 24 rows (the frame height if less), even. */
  readonly height?: number;
}

/** A rectangle in pixels. */
export interface TimeStampRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The stamp of one time at one frame size: paint `band` white, then every rectangle of `bars` black. */
export interface TimeStampBars {
  readonly band: TimeStampRect;
  /** Black runs of modules (adjacent black modules merged), left to right. */
  readonly bars: readonly TimeStampRect[];
}

/** A frame {@link drawTimeStamp} writes into: tightly packed planes, as a `RawFrame` has them. */
export interface TimeStampFrame {
  readonly data: Uint8Array | Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
  readonly format: PixelFormat;
}

/** Part of an image to search, in pixels. */
export interface TimeStampRegion {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Options of {@link readTimeStamp}. */
export interface ReadTimeStampOptions {
  /** Rows that must decode to the same time (and none to another) for a result. Default 3. */
  readonly minRows?: number;
}

/**
 * Why {@link readTimeStamp} found no time. `not-found`: no row shows both guards at a plausible distance.
 * `unreadable`: guards found, but some module was neither clearly black nor white (too small, blurred,
 * covered). `checksum`: every module was clear, the CRC did not hold. `inconsistent`: rows decoded to
 * different times. `too-few-rows`: fewer than `minRows` rows decoded.
 */
export type ReadTimeStampError = 'not-found' | 'unreadable' | 'checksum' | 'inconsistent' | 'too-few-rows';

/** What {@link readTimeStamp} read: the time and how many rows agreed on it, or why there is none. */
export type ReadTimeStampResult =
  | { readonly ms: number; readonly rows: number }
  | { readonly error: ReadTimeStampError };

function invalid(message: string): SourceError {
  return new SourceError('invalid-options', `time stamp: ${message}`);
}

function checkTime(ms: number): void {
  if (!Number.isSafeInteger(ms) || ms < 0 || ms >= 2 ** TIME_STAMP_BITS) {
    throw invalid(`the time must be an integer of milliseconds in [0, 2^${TIME_STAMP_BITS}), got ${ms}`);
  }
}

/** CRC of the 48-bit time, as {@link TIME_STAMP_LAYOUT} says. */
function crc16(ms: number): number {
  const high = Math.floor(ms / TIME_HIGH);
  const low = ms % TIME_HIGH;
  const bytes = [high >>> 16, (high >>> 8) & 0xff, high & 0xff, low >>> 16, (low >>> 8) & 0xff, low & 0xff];
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ L.crcPolynomial) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc ^ 0xffff;
}

/** The stamp's modules for `ms`, left to right: 1 = black, 0 = white ({@link TIME_STAMP_LAYOUT}). */
export function timeStampModules(ms: number): Uint8Array {
  checkTime(ms);
  const modules = new Uint8Array(MODULES);
  modules.set(L.startGuard, 0);
  modules.set(L.stopGuard, L.dataStart + L.dataBits);
  const high = Math.floor(ms / TIME_HIGH);
  const low = ms % TIME_HIGH;
  const crc = crc16(ms);
  for (let i = 0; i < 24; i++) {
    modules[L.dataStart + i] = (high >>> (23 - i)) & 1;
    modules[L.dataStart + 24 + i] = (low >>> (23 - i)) & 1;
  }
  for (let i = 0; i < 16; i++) modules[L.dataStart + TIME_STAMP_BITS + i] = (crc >>> (15 - i)) & 1;
  return modules;
}

function bandRows(width: number, height: number, options: TimeStampOptions | undefined): TimeStampRect {
  if (!Number.isSafeInteger(width) || width < MODULES) {
    throw invalid(`the frame must be at least ${MODULES} pixels wide (one per module), got ${width}`);
  }
  if (!Number.isSafeInteger(height) || height < 1) {
    throw invalid(`the frame height must be a positive integer, got ${height}`);
  }
  const top = options?.top ?? 0;
  const rows = options?.height ?? Math.min(height, Math.max(24, Math.round(height / 16) * 2));
  if (
    !Number.isSafeInteger(top) ||
    !Number.isSafeInteger(rows) ||
    top < 0 ||
    rows < 1 ||
    top + rows > height
  ) {
    throw invalid(`the band (top ${top}, height ${rows}) must lie inside the frame's ${height} rows`);
  }
  return { x: 0, y: top, width, height: rows };
}

/**
 * The rectangles that draw the stamp of `ms` on a `width`×`height` frame: module `i` spans the columns
 * `[round(i·width/80), round((i+1)·width/80))`. The layout every drawer shares.
 *
 * @throws {SourceError} `invalid-options` for a time outside `[0, 2^48)`, a frame narrower than 80 pixels or a
 *   band outside the frame.
 */
export function timeStampBars(
  width: number,
  height: number,
  ms: number,
  options?: TimeStampOptions,
): TimeStampBars {
  const band = bandRows(width, height, options);
  const modules = timeStampModules(ms);
  const bars: TimeStampRect[] = [];
  const edge = (i: number) => Math.round((i * width) / MODULES);
  for (let i = 0; i < MODULES; ) {
    if (modules[i] === 0) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < MODULES && modules[end] === 1) end++;
    bars.push({ x: edge(i), y: band.y, width: edge(end) - edge(i), height: band.height });
    i = end;
  }
  return { band, bars };
}

function fillPlane(
  plane: Uint8Array | Uint8ClampedArray,
  stride: number,
  step: number,
  rect: TimeStampRect,
  value: number,
): void {
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    const row = y * stride;
    if (step === 1) plane.fill(value, row + rect.x, row + rect.x + rect.width);
    else for (let x = rect.x; x < rect.x + rect.width; x++) plane[row + x * step] = value;
  }
}

/**
 * Draws the stamp of `ms` (wall-clock milliseconds, e.g. `Date.now()` at capture) into `frame` in place, as
 * a band across the full width (see {@link TIME_STAMP_LAYOUT}). YUV frames get black 16 and white 235 in the
 * luma plane and neutral chroma (128) over the band; RGBA frames get opaque black and white.
 *
 * @throws {SourceError} `invalid-options` for a time outside `[0, 2^48)`, a frame narrower than 80 pixels, a
 *   band outside the frame or a buffer shorter than the frame.
 */
export function drawTimeStamp(frame: TimeStampFrame, ms: number, options?: TimeStampOptions): void {
  const { data, width, height, format } = frame;
  const { band, bars } = timeStampBars(width, height, ms, options);
  const size = frameByteLength(format, width, height);
  if (data.length < size) {
    throw invalid(`the buffer holds ${data.length} bytes, ${width}x${height} ${format} needs ${size}`);
  }
  if (format === 'RGBA') {
    for (let channel = 0; channel < 3; channel++) {
      const plane = data.subarray(channel);
      fillPlane(plane, width * 4, 4, band, 255);
      for (const bar of bars) fillPlane(plane, width * 4, 4, bar, 0);
    }
    fillPlane(data.subarray(3), width * 4, 4, band, 255);
    return;
  }
  fillPlane(data, width, 1, band, 235);
  for (const bar of bars) fillPlane(data, width, 1, bar, 16);
  // Chroma rows that cover any band row: neutral, so the band is grey-scale whatever the frame showed.
  const chromaWidth = (width + 1) >> 1;
  const chromaHeight = (height + 1) >> 1;
  const first = band.y >> 1;
  const end = (band.y + band.height + 1) >> 1;
  const chroma = data.subarray(width * height, width * height + 2 * chromaWidth * chromaHeight);
  const rows = { x: 0, y: first, width: chromaWidth, height: end - first };
  if (format === 'NV12') {
    // One plane of interleaved U and V, two bytes per chroma sample.
    fillPlane(chroma, chromaWidth * 2, 1, { ...rows, width: chromaWidth * 2 }, 128);
  } else {
    fillPlane(chroma, chromaWidth, 1, rows, 128);
    fillPlane(chroma.subarray(chromaWidth * chromaHeight), chromaWidth, 1, rows, 128);
  }
}

// ---- Reading -------------------------------------------------------------------------------------------

/** One row's outcome, worst to best. */
const RowOutcome = { NotFound: 0, Unreadable: 1, Checksum: 2, Read: 3 } as const;
type RowOutcome = (typeof RowOutcome)[keyof typeof RowOutcome];

/** Scratch arrays for one row, reused across rows. */
interface RowScratch {
  readonly luma: Float32Array;
  /** Sub-pixel positions where the row crosses its threshold; the first crossing's direction is in `firstDark`. */
  readonly edges: Float64Array;
  edgeCount: number;
  /** Whether the run after edge 0 is dark. */
  firstDark: boolean;
  ms: number;
}

// A candidate's module width measured by its start guard may be off by this fraction (blur, threshold bias).
const WIDTH_TOLERANCE = 0.2;
// A guard bar's width may be off by this fraction of the layout's (3 or 2 modules) once the width is known.
const BAR_TOLERANCE = 0.25;
// A module sample must lie this fraction of the black-white contrast away from the threshold.
const CONFIDENCE = 0.2;
// Narrower modules (in pixels) are not read: a band needs about 1.5 pixels per module to survive scaling.
const MIN_MODULE = 1.25;
// More unclear data modules than this in a row are taken for clutter, not for a band too blurred to read.
const MAX_UNCLEAR = 6;
// Less black-white contrast than this (of 255) is no band.
const MIN_CONTRAST = 64;

/**
 * Reads a stamp drawn by {@link drawTimeStamp} (or painted from {@link timeStampBars}) from an RGBA image, e.g. a screenshot
 * of the viewer: the band may lie anywhere inside `region` (default the whole image), scaled by any factor
 * that leaves each module at least ~1.5 pixels wide, and H.264-compressed. Every row of the region is read
 * on its own (threshold from the row's own range, then from the band's guard bars); the result needs
 * `minRows` rows that agree and none that disagrees. A misread comes back as an error, never as a time.
 *
 * @param rgba - `width`×`height` pixels, 4 bytes each.
 * @throws {SourceError} `invalid-options` when `rgba` is shorter than `width`×`height` pixels.
 */
export function readTimeStamp(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  region?: TimeStampRegion,
  options?: ReadTimeStampOptions,
): ReadTimeStampResult {
  if (rgba.length < width * height * 4) {
    throw invalid(
      `the image holds ${rgba.length} bytes, ${width}x${height} RGBA needs ${width * height * 4}`,
    );
  }
  const x0 = Math.max(0, Math.floor(region?.x ?? 0));
  const y0 = Math.max(0, Math.floor(region?.y ?? 0));
  const x1 = Math.min(width, Math.floor((region?.x ?? 0) + (region?.width ?? width)));
  const y1 = Math.min(height, Math.floor((region?.y ?? 0) + (region?.height ?? height)));
  const minRows = options?.minRows ?? 3;
  const columns = x1 - x0;
  if (columns < MODULES || y1 <= y0) return { error: 'not-found' };
  const scratch: RowScratch = {
    luma: new Float32Array(columns),
    edges: new Float64Array(columns),
    edgeCount: 0,
    firstDark: false,
    ms: 0,
  };
  // One monomorphic byte view, whatever array type the caller passed.
  const bytes = rgba instanceof Uint8Array ? rgba : new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length);
  const outcomes = [0, 0, 0];
  let value = -1;
  let rows = 0;
  for (let y = y0; y < y1; y++) {
    const outcome = readRow(bytes, (y * width + x0) * 4, columns, scratch);
    if (outcome !== RowOutcome.Read) {
      outcomes[outcome] = (outcomes[outcome] as number) + 1;
      continue;
    }
    if (rows > 0 && scratch.ms !== value) return { error: 'inconsistent' };
    value = scratch.ms;
    rows++;
  }
  if (rows >= Math.max(1, minRows)) return { ms: value, rows };
  if (rows > 0) return { error: 'too-few-rows' };
  // Name the failure that a band's worth of rows reached; a lone row that got further is a fluke of clutter.
  if ((outcomes[RowOutcome.Checksum] as number) >= minRows) return { error: 'checksum' };
  if ((outcomes[RowOutcome.Unreadable] as number) >= minRows) return { error: 'unreadable' };
  return { error: 'not-found' };
}

function readRow(rgba: Uint8Array, start: number, columns: number, s: RowScratch): RowOutcome {
  const luma = s.luma;
  let min = 255;
  let max = 0;
  for (let i = 0, p = start; i < columns; i++, p += 4) {
    // BT.601 luma, integer weights summing to 256.
    const v = (77 * (rgba[p] as number) + 150 * (rgba[p + 1] as number) + 29 * (rgba[p + 2] as number)) >> 8;
    luma[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (max - min < MIN_CONTRAST) return RowOutcome.NotFound;
  findEdges(s, (min + max) / 2, columns);
  const edges = s.edges;
  const count = s.edgeCount;
  let best: RowOutcome = RowOutcome.NotFound;
  // A start guard: a dark run (edge e to e+1) of 3 modules, a light one, a dark one, each bounded by edges.
  for (let e = s.firstDark ? 0 : 1; e + 3 < count; e += 2) {
    const bar = (edges[e + 1] as number) - (edges[e] as number);
    const space = (edges[e + 2] as number) - (edges[e + 1] as number);
    const thin = (edges[e + 3] as number) - (edges[e + 2] as number);
    const module = (bar + space + thin) / 5;
    if (module < MIN_MODULE) continue;
    if (!near(bar, 3 * module, 0.35) || !near(space, module, 0.6) || !near(thin, module, 0.6)) continue;
    // The quiet zone before it: light for at least a module (or the region starts inside it).
    const quiet = (edges[e] as number) - (e > 0 ? (edges[e - 1] as number) : 0);
    if (quiet < module) continue;
    const startCentre = ((edges[e] as number) + (edges[e + 1] as number)) / 2;
    const expected = startCentre + BAR_DISTANCE * module;
    const slack = (WIDTH_TOLERANCE * BAR_DISTANCE + 2) * module;
    // Stop guard candidates: dark runs (edge f to f+1) whose centre lies near the expected place.
    let f = firstEdgeAfter(edges, count, expected - slack - 2 * (1 + WIDTH_TOLERANCE) * module);
    if ((f - e) % 2 !== 0) f++;
    for (f = Math.max(f, e + 6); f + 1 < count; f += 2) {
      const left = edges[f] as number;
      const right = edges[f + 1] as number;
      const centre = (left + right) / 2;
      if (centre < expected - slack) continue;
      if (centre > expected + slack) break;
      const refined = (centre - startCentre) / BAR_DISTANCE;
      if (!near(refined, module, WIDTH_TOLERANCE)) continue;
      // Both bars as wide as the layout says: a bar of 3 and a bar of 2 trade places in a mirrored band.
      if (!near(right - left, STOP_BAR.width * refined, BAR_TOLERANCE)) continue;
      if (!near(bar, START_BAR.width * refined, BAR_TOLERANCE)) continue;
      const after = (f + 2 < count ? (edges[f + 2] as number) : columns) - right;
      if (after < refined) continue;
      const origin = startCentre - START_BAR_CENTRE * refined;
      if (!guardEdgesFit(edges, e, f, origin, refined)) continue;
      const outcome = decodeModules(s, origin, refined, columns);
      if (outcome === RowOutcome.Read) return outcome;
      if (outcome > best) best = outcome;
    }
  }
  return best;
}

/**
 * Whether the guards' edges (edges `e` to `e+3` and `f-2` to `f+1`) all lie within half a module of the
 * boundaries where the module width puts them.
 */
function guardEdgesFit(edges: Float64Array, e: number, f: number, origin: number, module: number): boolean {
  for (let k = 0; k < 4; k++) {
    if (Math.abs((edges[e + k] as number) - origin - (START_EDGES[k] as number) * module) > module / 2) {
      return false;
    }
    if (Math.abs((edges[f - 2 + k] as number) - origin - (STOP_EDGES[k] as number) * module) > module / 2) {
      return false;
    }
  }
  return true;
}

/** Index of the first of `count` ascending `edges` at or after `x` (binary search). */
function firstEdgeAfter(edges: Float64Array, count: number, x: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((edges[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function near(value: number, target: number, tolerance: number): boolean {
  return Math.abs(value - target) <= tolerance * target;
}

/** Fills `s.edges` with the sub-pixel positions (pixel i spans [i, i+1)) where the row crosses `threshold`. */
function findEdges(s: RowScratch, threshold: number, columns: number): void {
  const luma = s.luma;
  let count = 0;
  let previous = luma[0] as number;
  let dark = previous < threshold;
  for (let i = 1; i < columns; i++) {
    const v = luma[i] as number;
    if (v < threshold !== dark) {
      if (count === 0) s.firstDark = !dark;
      s.edges[count++] = i - 0.5 + (threshold - previous) / (v - previous);
      dark = !dark;
    }
    previous = v;
  }
  s.edgeCount = count;
}

/**
 * Module `i`'s luma: the mean of the pixels whose centres lie in its middle half (ringing at its edges counts
 * little), or the pixel under its centre when it is too narrow for that (no interpolation with neighbours).
 */
function moduleLuma(luma: Float32Array, origin: number, module: number, i: number, columns: number): number {
  const centre = origin + (i + 0.5) * module;
  const first = Math.max(0, Math.ceil(centre - module / 4 - 0.5));
  const last = Math.min(columns - 1, Math.floor(centre + module / 4 - 0.5));
  if (last < first) return luma[Math.min(columns - 1, Math.max(0, Math.floor(centre)))] as number;
  let sum = 0;
  for (let x = first; x <= last; x++) sum += luma[x] as number;
  return sum / (last - first + 1);
}

// Every guard module with its colour but the outermost one on each side (it touches whatever surrounds the
// frame).
const GUARDS: readonly (readonly [number, number])[] = [
  ...L.startGuard.map((colour, i) => [i, colour] as const).slice(1),
  ...L.stopGuard.map((colour, i) => [L.dataStart + L.dataBits + i, colour] as const).slice(0, -1),
];

function decodeModules(s: RowScratch, origin: number, module: number, columns: number): RowOutcome {
  const luma = s.luma;
  if (origin + module < 0 || origin + (MODULES - 1) * module > columns) return RowOutcome.NotFound;
  // Levels from the band itself: the guards' wide bars for black, the quiet zones for white.
  const black =
    (moduleLuma(luma, origin, module, START_BAR_CENTRE - 0.5, columns) +
      moduleLuma(luma, origin, module, STOP_BAR_CENTRE - 0.5, columns)) /
    2;
  const white =
    (moduleLuma(luma, origin, module, WHITE_MODULES[0] as number, columns) +
      moduleLuma(luma, origin, module, WHITE_MODULES[1] as number, columns)) /
    2;
  if (white - black < MIN_CONTRAST) return RowOutcome.NotFound;
  const threshold = (white + black) / 2;
  const margin = CONFIDENCE * (white - black);
  // 1 = black, 0 = white, -1 = unclear.
  const bit = (i: number): number => {
    const v = moduleLuma(luma, origin, module, i, columns);
    if (v < threshold - margin) return 1;
    if (v > threshold + margin) return 0;
    return -1;
  };
  for (const [i, expected] of GUARDS) {
    if (bit(i) !== expected) return RowOutcome.NotFound;
  }
  let high = 0;
  let low = 0;
  let crc = 0;
  let unclear = 0;
  for (let i = 0; i < L.dataBits; i++) {
    const b = bit(L.dataStart + i);
    if (b < 0) {
      // A few unclear modules in a clear band: unreadable (blur, a cursor); many: no band, clutter that
      // happened to look like guards.
      if (++unclear > MAX_UNCLEAR) return RowOutcome.NotFound;
      continue;
    }
    if (i < 24) high = high * 2 + b;
    else if (i < TIME_STAMP_BITS) low = low * 2 + b;
    else crc = crc * 2 + b;
  }
  if (unclear > 0) return RowOutcome.Unreadable;
  const ms = high * TIME_HIGH + low;
  if (crc16(ms) !== crc) return RowOutcome.Checksum;
  s.ms = ms;
  return RowOutcome.Read;
}
