import type { RawFrame } from '../model/pipeline.js';
import { frameByteLength } from '../model/pipeline.js';
import { frameTime } from '../time.js';
import { SourceError } from './source-error.js';

/** The stream header of a YUV4MPEG2 (Y4M) file. */
export interface Y4mHeader {
  readonly width: number;
  readonly height: number;
  /** Frame rate numerator (`F<num>:<den>`; 25:1 when the header has no `F`, as ffmpeg assumes). */
  readonly fpsNum: number;
  readonly fpsDen: number;
  /** The `C` tag as written (`420jpeg` when absent). Only 4:2:0 8-bit layouts are read. */
  readonly colorspace: string;
  /** The header line without its newline, for diagnostics. */
  readonly line: string;
}

const MAGIC = 'YUV4MPEG2';
const FRAME = 'FRAME';
// Header and FRAME lines are short; a longer "line" means the input is not Y4M.
const MAX_LINE = 4096;
// Widest and tallest frame read: a larger size in a header is garbage, and one frame of it would not fit in memory.
const MAX_DIMENSION = 16384;
// 4:2:0 8-bit variants differ only in chroma siting, which does not change the bytes.
const I420_COLORSPACES = new Set(['420', '420jpeg', '420mpeg2', '420paldv']);

const decoder = new TextDecoder('latin1');

/**
 * Streaming Y4M parser: push bytes in any pieces, get whole {@link RawFrame}s (I420, own buffers) with PTS from
 * the header's frame rate. Never holds more than one frame plus one line. Errors are {@link SourceError}s.
 */
export class Y4mParser {
  private readonly name: string;
  private headerInfo: Y4mHeader | undefined;
  private frameBytes = 0;
  // Bytes of the line being collected (the header, or a FRAME line).
  private line: number[] = [];
  private frame: Uint8Array | undefined;
  private filled = 0;
  private count = 0;
  private offset = 0;

  /** @param name names the input in error messages (a path, `stdin`, …). */
  constructor(name = 'Y4M input') {
    this.name = name;
  }

  /** The stream header, once parsed. */
  get header(): Y4mHeader | undefined {
    return this.headerInfo;
  }

  /** Frames completed so far. */
  get frameCount(): number {
    return this.count;
  }

  /** Feeds the next piece; returns the frames it completed. */
  push(bytes: Uint8Array): RawFrame[] {
    const out: RawFrame[] = [];
    let i = 0;
    while (i < bytes.length) {
      if (this.frame) {
        const n = Math.min(bytes.length - i, this.frameBytes - this.filled);
        this.frame.set(bytes.subarray(i, i + n), this.filled);
        this.filled += n;
        i += n;
        if (this.filled === this.frameBytes) out.push(this.finishFrame());
        continue;
      }
      const nl = bytes.indexOf(0x0a, i);
      const end = nl < 0 ? bytes.length : nl;
      for (let k = i; k < end; k++) this.line.push(bytes[k] as number);
      this.checkLine();
      i = end;
      if (nl >= 0) {
        i++;
        this.endLine();
      }
    }
    this.offset += bytes.length;
    return out;
  }

  /** End of input: throws `y4m-truncated` if a header or frame is incomplete. */
  end(): void {
    if (!this.headerInfo) {
      throw new SourceError(
        'y4m-bad-header',
        `${this.name}: ended before a complete Y4M header (expected "YUV4MPEG2 W<width> H<height> F<num>:<den> …\\n")`,
      );
    }
    if (this.frame || this.line.length > 0) {
      const got = this.frame ? this.filled : 0;
      throw new SourceError(
        'y4m-truncated',
        `${this.name}: frame ${this.count} is truncated: got ${got} of ${this.frameBytes} bytes ` +
          `(${this.headerInfo.width}x${this.headerInfo.height} I420) before the input ended`,
      );
    }
  }

  private checkLine(): void {
    if (this.line.length > MAX_LINE) {
      throw new SourceError(
        this.headerInfo ? 'y4m-bad-frame-header' : 'y4m-bad-header',
        `${this.name}: no newline within ${MAX_LINE} bytes of ${this.headerInfo ? `frame ${this.count}'s FRAME line` : 'the start'}; not a Y4M stream`,
      );
    }
    // Fail early on a wrong magic, before a whole "line" of garbage arrives.
    const expect = this.headerInfo ? FRAME : MAGIC;
    const n = Math.min(this.line.length, expect.length);
    for (let k = 0; k < n; k++) {
      if (this.line[k] !== expect.charCodeAt(k)) this.badLine(expect);
    }
  }

  private badLine(expect: string): never {
    const seen = decoder.decode(Uint8Array.from(this.line.slice(0, 40)));
    if (this.headerInfo) {
      throw new SourceError(
        'y4m-bad-frame-header',
        `${this.name}: expected "FRAME" before frame ${this.count} (byte ${this.offset}), found ${JSON.stringify(seen)}; ` +
          `is the header's size (${this.headerInfo.width}x${this.headerInfo.height}) right?`,
      );
    }
    throw new SourceError(
      'y4m-bad-header',
      `${this.name}: expected a Y4M stream starting with "${expect}", found ${JSON.stringify(seen)}`,
    );
  }

  private endLine(): void {
    const text = decoder.decode(Uint8Array.from(this.line));
    this.line = [];
    if (!this.headerInfo) {
      this.headerInfo = parseHeader(text, this.name);
      this.frameBytes = frameByteLength('I420', this.headerInfo.width, this.headerInfo.height);
      return;
    }
    if (text !== FRAME && !text.startsWith(`${FRAME} `)) this.badLine(FRAME);
    this.frame = new Uint8Array(this.frameBytes);
    this.filled = 0;
  }

  private finishFrame(): RawFrame {
    const header = this.headerInfo as Y4mHeader;
    const data = this.frame as Uint8Array;
    this.frame = undefined;
    const index = this.count++;
    return {
      format: 'I420',
      width: header.width,
      height: header.height,
      data,
      pts: frameTime(index, header.fpsNum, header.fpsDen),
      index,
    };
  }
}

/** Parses a Y4M stream header line (without its newline). */
export function parseY4mHeader(line: string, name = 'Y4M input'): Y4mHeader {
  return parseHeader(line, name);
}

function parseHeader(line: string, name: string): Y4mHeader {
  const tokens = line.split(' ').filter((t) => t.length > 0);
  if (tokens[0] !== MAGIC) {
    throw new SourceError(
      'y4m-bad-header',
      `${name}: expected "${MAGIC}" at the start, found ${JSON.stringify(line.slice(0, 40))}`,
    );
  }
  let width = 0;
  let height = 0;
  let fpsNum = 25;
  let fpsDen = 1;
  let colorspace = '420jpeg';
  const positive = (tag: string, value: string): number => {
    const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n <= 0) {
      throw new SourceError(
        'y4m-bad-header',
        `${name}: header tag ${tag}${value} must be a positive integer (header: ${JSON.stringify(line)})`,
      );
    }
    return n;
  };
  for (const token of tokens.slice(1)) {
    const tag = token[0] as string;
    const value = token.slice(1);
    if (tag === 'W') width = positive('W', value);
    else if (tag === 'H') height = positive('H', value);
    else if (tag === 'F') {
      const [num = '', den = '', ...rest] = value.split(':');
      if (rest.length > 0) positive('F', value);
      fpsNum = positive('F', num);
      fpsDen = positive('F', den);
    } else if (tag === 'C') colorspace = value;
    // I (interlacing), A (aspect), X (extensions) do not change the bytes.
  }
  if (width === 0 || height === 0) {
    throw new SourceError(
      'y4m-bad-header',
      `${name}: the header lacks ${width === 0 ? 'W<width>' : 'H<height>'} (header: ${JSON.stringify(line)})`,
    );
  }
  if (width > MAX_DIMENSION || height > MAX_DIMENSION) {
    throw new SourceError(
      'y4m-unsupported',
      `${name}: frame size ${width}x${height} is larger than ${MAX_DIMENSION}x${MAX_DIMENSION} (header: ${JSON.stringify(line.slice(0, 120))})`,
    );
  }
  if (!I420_COLORSPACES.has(colorspace)) {
    throw new SourceError(
      'y4m-unsupported',
      `${name}: colorspace C${colorspace} is not supported; only 8-bit 4:2:0 (C420, C420jpeg, C420mpeg2, C420paldv) is read. ` +
        'Convert with ffmpeg -pix_fmt yuv420p',
    );
  }
  return { width, height, fpsNum, fpsDen, colorspace, line };
}

/**
 * Reads a Y4M stream from any (async) iterable of byte pieces (a Node stream, a `ReadableStream`, an array) and
 * yields its frames as they complete. Throws {@link SourceError} on a bad header or a truncated last frame.
 */
export async function* readY4m(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: { readonly name?: string; readonly onHeader?: (header: Y4mHeader) => void } = {},
): AsyncGenerator<RawFrame, void, undefined> {
  const parser = new Y4mParser(options.name);
  let announced = false;
  for await (const piece of source) {
    const frames = parser.push(piece);
    if (!announced && parser.header) {
      announced = true;
      options.onHeader?.(parser.header);
    }
    yield* frames;
  }
  parser.end();
}

/** Writes the Y4M stream header for I420 frames (the inverse of {@link parseY4mHeader}), newline included. */
export function y4mHeaderBytes(width: number, height: number, fpsNum: number, fpsDen = 1): Uint8Array {
  return new TextEncoder().encode(`${MAGIC} W${width} H${height} F${fpsNum}:${fpsDen} Ip A1:1 C420jpeg\n`);
}

/** The bytes of a `FRAME` line. */
export const Y4M_FRAME_LINE: Uint8Array = new TextEncoder().encode(`${FRAME}\n`);
