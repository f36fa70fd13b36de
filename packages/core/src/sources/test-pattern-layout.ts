import { SourceError } from './source-error.js';

/** A colour of the test pattern, in the two forms its renderers paint. */
export interface TestPatternColour {
  /** What it is: `grey`, `yellow`, … for the bars, `white` and `black` for the box and the text. */
  readonly name: string;
  /** BT.601 limited-range Y, U, V: what the I420 renderer writes. */
  readonly yuv: readonly [number, number, number];
  /** 8-bit RGB: what a BT.601 decoder shows for {@link TestPatternColour.yuv}, and what a canvas draws. */
  readonly rgb: readonly [number, number, number];
}

/** BT.601 limited-range Y'CbCr to 8-bit RGB (what a decoder shows for H.264 without colour tags). */
function bt601ToRgb([y, u, v]: readonly [number, number, number]): [number, number, number] {
  const c = 1.164 * (y - 16);
  const clamp = (x: number) => Math.max(0, Math.min(255, Math.round(x)));
  return [
    clamp(c + 1.596 * (v - 128)),
    clamp(c - 0.392 * (u - 128) - 0.813 * (v - 128)),
    clamp(c + 2.017 * (u - 128)),
  ];
}

function colour(name: string, yuv: readonly [number, number, number]): TestPatternColour {
  return { name, yuv, rgb: bt601ToRgb(yuv) };
}

/**
 * `colour` with its hue turned by `degrees` (a rotation of its Cb/Cr vector around grey, luma kept, chroma
 * clamped to the limited range): what the test pattern's `hue` option paints, so that several patterns in one
 * recording tell apart on screen. Greys (the box, the digits, the grey and black bars) stay as they are.
 */
export function rotateTestPatternHue(colour: TestPatternColour, degrees: number): TestPatternColour {
  if (!Number.isFinite(degrees)) {
    throw new SourceError('invalid-options', `test pattern: hue must be a number of degrees, got ${degrees}`);
  }
  const turn = (((degrees % 360) + 360) % 360) * (Math.PI / 180);
  const [y, u, v] = colour.yuv;
  const cb = u - 128;
  const cr = v - 128;
  const clamp = (x: number) => Math.max(16, Math.min(240, Math.round(x)));
  const cos = Math.cos(turn);
  const sin = Math.sin(turn);
  return {
    name: colour.name,
    ...withRgb([y, clamp(128 + cb * cos - cr * sin), clamp(128 + cb * sin + cr * cos)]),
  };
}

function withRgb(yuv: readonly [number, number, number]): Omit<TestPatternColour, 'name'> {
  return { yuv, rgb: bt601ToRgb(yuv) };
}

/**
 * The eight bars, left to right at time 0: 75% bars (grey, yellow, cyan, green, magenta, red, blue, black).
 * Exported so viewer tests can look for them on screen.
 */
export const TEST_PATTERN_BARS: readonly TestPatternColour[] = [
  colour('grey', [180, 128, 128]),
  colour('yellow', [162, 44, 142]),
  colour('cyan', [131, 156, 44]),
  colour('green', [112, 72, 58]),
  colour('magenta', [84, 184, 198]),
  colour('red', [65, 100, 212]),
  colour('blue', [35, 212, 114]),
  colour('black', [16, 128, 128]),
];

/** The bouncing box and the digits. */
const WHITE = colour('white', [235, 128, 128]);
/** Behind the digits. */
const BLACK = colour('black', [16, 128, 128]);

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

/** One filled rectangle of a test-pattern frame, in pixels, inside the picture. */
export interface TestPatternRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly colour: TestPatternColour;
}

/** The frame {@link testPatternLayout} lays out. */
export interface TestPatternFrame {
  /** Picture width in pixels (≥ 2). */
  readonly width: number;
  /** Picture height in pixels (≥ 2). */
  readonly height: number;
  /** Frame number: moves the box and is shown as the counter. */
  readonly index: number;
  /** Stream time in ns: scrolls the bars and is shown as the clock. */
  readonly pts: bigint;
}

/** `hh:mm:ss.mmm` of a time in ns. */
function clockText(pts: bigint): string {
  const ms = Number(pts / 1_000_000n);
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  return `${pad(Math.floor(ms / 3_600_000), 2)}:${pad(Math.floor(ms / 60_000) % 60, 2)}:${pad(Math.floor(ms / 1000) % 60, 2)}.${pad(ms % 1000, 3)}`;
}

/**
 * What a frame of the test pattern looks like, as rectangles to fill in order: the eight
 * {@link TEST_PATTERN_BARS} scrolling left one bar width per second of `pts`, a white box bouncing left and
 * right across the middle 2 px per frame, and the frame counter and the clock (`pts`) as 3x5-pixel digits,
 * white on black, top left. Deterministic, and the one description of the pattern: core's I420 frames
 * (`renderTestPattern`) and `@camstream/web`'s canvas (`CanvasTestPattern`) paint exactly these rectangles.
 */
export function testPatternLayout(frame: TestPatternFrame): TestPatternRect[] {
  const { width: w, height: h, index, pts } = frame;
  for (const [name, value] of [
    ['width', w],
    ['height', h],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 2) {
      throw new SourceError('invalid-options', `test pattern: ${name} must be an integer ≥ 2, got ${value}`);
    }
  }
  if (!Number.isSafeInteger(index) || index < 0 || pts < 0n) {
    throw new SourceError(
      'invalid-options',
      `test pattern: the frame index and time must not be negative, got ${index} at ${pts} ns`,
    );
  }
  const rects: TestPatternRect[] = [];
  const add = (x: number, y: number, rw: number, rh: number, c: TestPatternColour): void => {
    const x0 = Math.max(0, x);
    const y0 = Math.max(0, y);
    const x1 = Math.min(w, x + rw);
    const y1 = Math.min(h, y + rh);
    if (x1 > x0 && y1 > y0) rects.push({ x: x0, y: y0, width: x1 - x0, height: y1 - y0, colour: c });
  };

  // Bars, full height. Bar k covers the columns whose position (x + shift) mod w lies in [k·w/8, (k+1)·w/8);
  // the shift grows by one bar width (w/8) per second, so a bar may wrap round the right edge.
  const shift = Number((pts * BigInt(w)) / 8_000_000_000n) % w;
  TEST_PATTERN_BARS.forEach((bar, k) => {
    const start = Math.ceil((k * w) / 8) - shift;
    const end = Math.ceil(((k + 1) * w) / 8) - shift;
    if (end <= 0) add(start + w, 0, end - start, h, bar);
    else if (start < 0) {
      add(start + w, 0, -start, h, bar);
      add(0, 0, end, h, bar);
    } else add(start, 0, end - start, h, bar);
  });

  // A white box bouncing left-right across the middle, 2 px per frame: motion the encoder must track. Even
  // position and size, so it covers whole 2x2 chroma blocks.
  const box = Math.max(2, Math.floor(Math.min(w, h) / 6)) & ~1;
  const travel = Math.max(1, w - box);
  const phase = (index * 2) % (2 * travel);
  const bx = (phase < travel ? phase : 2 * travel - phase) & ~1;
  const by = ((h - box) >> 1) & ~1;
  add(bx, by, box, box, WHITE);

  // Frame counter and clock, white on black.
  const scale = Math.max(1, Math.floor(h / 60));
  const lines = [String(index).padStart(6, '0'), clockText(pts)];
  add(0, 0, (12 * 4 + 1) * scale, (lines.length * 6 + 1) * scale, BLACK);
  lines.forEach((text, row) => {
    for (let c = 0; c < text.length; c++) {
      const glyph = GLYPHS[text[c] as string] ?? [];
      glyph.forEach((bits, gy) => {
        for (let gx = 0; gx < 3; gx++) {
          if ((bits >> (2 - gx)) & 1) {
            add((1 + c * 4 + gx) * scale, (1 + row * 6 + gy) * scale, scale, scale, WHITE);
          }
        }
      });
    }
  });
  return rects;
}
