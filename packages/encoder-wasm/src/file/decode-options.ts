import { extname } from 'node:path';
import { EncoderError } from '../errors.js';

/** A frame rate as a fraction (`{ num: 30000, den: 1001 }`) or a number of frames per second. */
export type Framerate = number | { readonly num: number; readonly den: number };

/** What the container said about the video stream, known before the first frame. */
export interface FileInfo {
  /** Decoder name of the video stream (`h264`, `vp9`, `rawvideo`, …). */
  readonly codec: string;
  /** Size of the pictures in the file (before any scaling). */
  readonly sourceWidth: number;
  readonly sourceHeight: number;
  /** Average frame rate the container states, if any (variable-rate files: the average). */
  readonly fps: { readonly num: number; readonly den: number } | undefined;
  /** Duration the container states, ns. */
  readonly durationNs: bigint | undefined;
  /** Frames to expect: exact for raw `.yuv`, else duration × average frame rate (an estimate). */
  readonly framesEstimate: number | undefined;
}

/** Options of {@link decodeFile}. */
export interface DecodeFileOptions {
  /** Output width: frames are scaled to `width`×`height` (give both, or neither to keep the source size). */
  readonly width?: number;
  /** Output height (see `width`). */
  readonly height?: number;
  /** Raw `.yuv` inputs only (required there): the size of the frames in the file. */
  readonly size?: { readonly width: number; readonly height: number };
  /** Raw `.yuv` inputs only (required there): ffmpeg's name of the file's pixel format, e.g. `yuv420p`. */
  readonly pixFmt?: string;
  /** Inputs without timestamps (raw `.yuv`, Annex B `.h264`/`.h265`): their frame rate. Default 25 (ffmpeg's). */
  readonly framerate?: Framerate;
  /**
   * ffmpeg demuxer to use (`rawvideo`, `h264`, `hevc`, `matroska`, …). Default: `rawvideo` for `.yuv`/`.raw`,
   * `h264` for `.h264`/`.264`, `hevc` for `.h265`/`.265`/`.hevc`, else ffmpeg probes the file.
   */
  readonly format?: string;
  /**
   * Default true: a damaged input (a truncated file, a corrupt packet: anything ffmpeg logs as an error while
   * reading) ends the iteration with `corrupt-input` after the frames that did decode. False: decode what can
   * be decoded and end normally.
   */
  readonly strict?: boolean;
  /** Decoded frames the worker may hold ready beyond the one the consumer has. Default 4 (bounds memory). */
  readonly maxFramesAhead?: number;
  /** Stops decoding: the worker is terminated and the iteration throws `aborted`. */
  readonly signal?: AbortSignal;
  /** Called once with what the container says, before the first frame. */
  readonly onInfo?: (info: FileInfo) => void;
}

/** Raw pixel formats a `.yuv` input may have, with the bytes of one `w`×`h` frame. */
const RAW_FRAME_BYTES: Readonly<Record<string, (w: number, h: number) => number>> = {
  yuv420p: (w, h) => w * h + 2 * half(w) * half(h),
  yuvj420p: (w, h) => w * h + 2 * half(w) * half(h),
  nv12: (w, h) => w * h + 2 * half(w) * half(h),
  nv21: (w, h) => w * h + 2 * half(w) * half(h),
  yuv422p: (w, h) => w * h + 2 * half(w) * h,
  yuv444p: (w, h) => 3 * w * h,
  yuyv422: (w, h) => 4 * half(w) * h,
  uyvy422: (w, h) => 4 * half(w) * h,
  gray: (w, h) => w * h,
  rgb24: (w, h) => 3 * w * h,
  bgr24: (w, h) => 3 * w * h,
  rgba: (w, h) => 4 * w * h,
  bgra: (w, h) => 4 * w * h,
  argb: (w, h) => 4 * w * h,
  abgr: (w, h) => 4 * w * h,
};

function half(n: number): number {
  return (n + 1) >> 1;
}

/** Raw pixel formats `decodeFile` accepts for `.yuv` inputs. */
export const RAW_PIXEL_FORMATS: readonly string[] = Object.keys(RAW_FRAME_BYTES);

/** Decode options checked, with the demuxer settled. */
export interface ResolvedDecodeOptions {
  /** Demuxer forced with `-f`, if any. */
  readonly format: string | undefined;
  readonly scale: { readonly width: number; readonly height: number } | undefined;
  /** Raw inputs: frame size, pixel format and bytes per frame. */
  readonly raw:
    | {
        readonly width: number;
        readonly height: number;
        readonly pixFmt: string;
        readonly frameBytes: number;
      }
    | undefined;
  /**
   * Inputs without timestamps of their own (raw video, Annex B): their frame rate (default 25/1, ffmpeg's). Their
   * frames get `index × frame duration`, exact, rather than ffmpeg's guesses (rounded to µs per frame, so drifting).
   */
  readonly constantRate: { readonly num: number; readonly den: number } | undefined;
  readonly strict: boolean;
  readonly maxFramesAhead: number;
}

const RAW_EXTENSIONS = new Set(['.yuv', '.raw']);
const EXTENSION_FORMATS: Readonly<Record<string, string>> = {
  '.h264': 'h264',
  '.264': 'h264',
  '.avc': 'h264',
  '.h265': 'hevc',
  '.265': 'hevc',
  '.hevc': 'hevc',
};
/** Demuxers that read `-framerate` (inputs without timestamps of their own). */
const FRAMERATE_FORMATS = new Set(['rawvideo', 'h264', 'hevc']);

function bad(message: string): never {
  throw new EncoderError('invalid-options', message);
}

function dimension(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1 || value > 16384)
    bad(`${name} must be an integer in [1, 16384], got ${value}`);
}

function checkFramerate(rate: Framerate): { num: number; den: number } {
  const { num, den } = typeof rate === 'number' ? fraction(rate) : rate;
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den) || num < 1 || den < 1)
    bad(
      `framerate must be positive (a number or { num, den } of positive integers), got ${JSON.stringify(rate)}`,
    );
  return { num, den };
}

/** A positive frame rate as a fraction: integers exact, NTSC rates as /1001, others to 1/1000. */
export function fraction(fps: number): { num: number; den: number } {
  if (!Number.isFinite(fps) || fps <= 0) return { num: Number.NaN, den: 1 };
  if (Number.isInteger(fps)) return { num: fps, den: 1 };
  const ntsc = Math.round(fps * 1.001);
  if (Math.abs((ntsc * 1000) / 1001 - fps) < 0.005) return { num: ntsc * 1000, den: 1001 };
  return { num: Math.round(fps * 1000), den: 1000 };
}

/** Checks `options` for the file `path` and settles the demuxer; throws `invalid-options`/`unsupported-format`. */
export function resolveDecodeOptions(path: string, options: DecodeFileOptions): ResolvedDecodeOptions {
  const ext = extname(path).toLowerCase();
  const format = options.format ?? (RAW_EXTENSIONS.has(ext) ? 'rawvideo' : EXTENSION_FORMATS[ext]);
  if (format !== undefined && !/^[a-z0-9_,]+$/.test(format))
    bad(`format must be an ffmpeg demuxer name such as "matroska" or "h264", got ${JSON.stringify(format)}`);
  if ((options.width === undefined) !== (options.height === undefined))
    bad('give both width and height to scale the output, or neither to keep the source size');
  let scale: ResolvedDecodeOptions['scale'];
  if (options.width !== undefined && options.height !== undefined) {
    dimension('width', options.width);
    dimension('height', options.height);
    scale = { width: options.width, height: options.height };
  }
  let raw: ResolvedDecodeOptions['raw'];
  if (format === 'rawvideo') {
    const { size, pixFmt } = options;
    if (size === undefined || pixFmt === undefined)
      bad(
        `${path} is raw video: give its frame size (size: { width, height }) and pixel format (pixFmt, e.g. "yuv420p")`,
      );
    dimension('size.width', size.width);
    dimension('size.height', size.height);
    const bytes = RAW_FRAME_BYTES[pixFmt];
    if (bytes === undefined) {
      throw new EncoderError(
        'unsupported-format',
        `raw pixel format ${JSON.stringify(pixFmt)} is not supported; use one of ${RAW_PIXEL_FORMATS.join(', ')}`,
      );
    }
    raw = { width: size.width, height: size.height, pixFmt, frameBytes: bytes(size.width, size.height) };
  } else if (options.size !== undefined || options.pixFmt !== undefined) {
    bad(`size and pixFmt describe raw .yuv inputs; ${path} is not one (set format: "rawvideo" if it is)`);
  }
  if (options.framerate !== undefined && !FRAMERATE_FORMATS.has(format ?? ''))
    bad(`framerate is for inputs without timestamps (raw .yuv, Annex B .h264/.h265); ${path} has its own`);
  const maxFramesAhead = options.maxFramesAhead ?? 4;
  if (!Number.isSafeInteger(maxFramesAhead) || maxFramesAhead < 1)
    bad(`maxFramesAhead must be a positive integer, got ${maxFramesAhead}`);
  return {
    format,
    scale,
    raw,
    constantRate: FRAMERATE_FORMATS.has(format ?? '')
      ? checkFramerate(options.framerate ?? { num: 25, den: 1 })
      : undefined,
    strict: options.strict ?? true,
    maxFramesAhead,
  };
}
