import type { PixelFormat } from '@camstream/core';
import { applicationIdProblem } from '@camstream/core/media';
import { InvalidArgumentError } from 'commander';
import { CliError } from '../errors.js';
import { frameRateProblem, frameSizeProblem, MAX_FPS, MIN_FPS } from './frame-limits.js';

// Parsers of `camstream capture` flag values. Each one takes the text the user typed and returns a typed
// value, or throws a CliError `usage` that says what was wrong and what was expected (commander turns it
// into exit code 2 via command.ts).

/** A frame size. */
export interface FrameSize {
  readonly width: number;
  readonly height: number;
}

/** A frame rate as a fraction (`30000/1001` for 29.97). */
export interface FrameRate {
  readonly num: number;
  readonly den: number;
}

/** A `[HOST:]PORT` to listen on. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

const usage = (message: string): CliError => new CliError('usage', message);

/** Turns a flag parser's CliError into commander's InvalidArgumentError (exit code 2, one line). */
export function flagArgument<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (error) {
      if (error instanceof CliError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}

/**
 * `WIDTHxHEIGHT`: both even (4:2:0 chroma), within H.264 level 6.2 (at most 139264 macroblocks) and each side
 * at most 16384 pixels (see frame-limits.ts).
 */
export function parseSize(text: string): FrameSize {
  const match = /^(\d+)[xX](\d+)$/.exec(text.trim());
  if (match === null) throw usage(`size "${text}" is not WIDTHxHEIGHT; expected e.g. 1280x720`);
  const width = Number(match[1]);
  const height = Number(match[2]);
  const problem = frameSizeProblem(width, height);
  if (problem !== undefined) throw usage(`size "${text}" ${problem}; expected e.g. 1280x720`);
  return { width, height };
}

/** `30`, `29.97` (→ 30000/1001) or `NUM/DEN`; between 0.001 and 1000 frames per second (frame-limits.ts). */
export function parseFrameRate(text: string): FrameRate {
  const t = text.trim();
  const fraction = /^(\d+)\/(\d+)$/.exec(t);
  let rate: FrameRate;
  if (fraction !== null) {
    rate = { num: Number(fraction[1]), den: Number(fraction[2]) };
  } else if (/^\d+$/.test(t)) {
    rate = { num: Number(t), den: 1 };
  } else if (/^\d*\.\d+$/.test(t)) {
    const value = Number(t);
    // NTSC rates are what a decimal frame rate almost always means.
    const ntsc = Math.round(value * 1.001);
    rate =
      ntsc > 0 && Math.abs(ntsc / 1.001 - value) < 0.005
        ? { num: ntsc * 1000, den: 1001 }
        : { num: Math.round(value * 1000), den: 1000 };
  } else {
    throw usage(`frame rate "${text}" is not a number; expected e.g. 30, 29.97 or 30000/1001`);
  }
  if (frameRateProblem(rate.num, rate.den) !== undefined) {
    throw usage(
      `frame rate "${text}" is out of range; expected between ${MIN_FPS} and ${MAX_FPS} frames per second`,
    );
  }
  return rate;
}

/** A positive whole number (frames, GOP length, rows), at most `max`. */
export function parsePositiveInt(text: string, what: string, max = Number.MAX_SAFE_INTEGER): number {
  const t = text.trim();
  const value = Number(t);
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(value) || value < 1) {
    throw usage(`${what} "${text}" is not a positive whole number; expected e.g. 300`);
  }
  if (value > max) throw usage(`${what} "${text}" is too large; at most ${max}`);
  return value;
}

/** A whole number ≥ 0 (a delay in ms). */
export function parseNonNegativeInt(text: string, what: string): number {
  const t = text.trim();
  const value = Number(t);
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(value)) {
    throw usage(`${what} "${text}" is not a whole number ≥ 0; expected e.g. 200`);
  }
  return value;
}

const DURATION_UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** A duration in seconds: `10`, `10s`, `1.5m`, `500ms`, `1h`. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)?$/.exec(text.trim());
  const seconds = match === null ? Number.NaN : Number(match[1]) * (DURATION_UNITS[match[2] ?? 's'] ?? 1);
  if (!(seconds > 0) || !Number.isFinite(seconds)) {
    throw usage(
      `duration "${text}" is not a positive duration; expected seconds such as 10, 10s, 1.5m or 500ms`,
    );
  }
  return seconds;
}

const RATE_UNITS: Record<string, number> = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6 };

/** A bit rate in bits/s: `2000000`, `2M`, `500k`, `1.5M`. */
export function parseBitrate(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  const bits = match === null ? Number.NaN : Math.round(Number(match[1]) * (RATE_UNITS[match[2] ?? ''] ?? 1));
  if (!(bits >= 1000) || bits > 1e10) {
    throw usage(`bit rate "${text}" is not a bit rate between 1k and 10000M; expected e.g. 2M or 500k`);
  }
  return bits;
}

/** x264's constant rate factor, 0–51. */
export function parseCrf(text: string): number {
  const t = text.trim();
  const value = Number(t);
  if (!/^\d+(\.\d+)?$/.test(t) || value > 51) {
    throw usage(`crf "${text}" is out of range; expected a number from 0 (lossless) to 51 (worst), e.g. 23`);
  }
  return value;
}

const PIXEL_FORMATS: Record<string, PixelFormat> = {
  yuv420p: 'I420',
  i420: 'I420',
  nv12: 'NV12',
  rgba: 'RGBA',
};

/** Pixel format of raw `.yuv` input, by ffmpeg's names: `yuv420p` (= `i420`), `nv12`, `rgba`. */
export function parsePixelFormat(text: string): PixelFormat {
  const name = text.trim().toLowerCase();
  // Own keys only: "constructor" or "__proto__" are not pixel formats.
  const format = Object.hasOwn(PIXEL_FORMATS, name) ? PIXEL_FORMATS[name] : undefined;
  if (format === undefined) {
    throw usage(`pixel format "${text}" is not supported; expected one of yuv420p, nv12, rgba`);
  }
  return format;
}

/** `PORT`, `HOST:PORT` or `[IPv6]:PORT` (host defaults to 127.0.0.1; port 0 picks a free one). */
export function parseListenAddress(text: string): ListenAddress {
  const t = text.trim();
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):)?(\d{1,5})$/.exec(t);
  const port = match === null ? Number.NaN : Number(match[2]);
  if (match === null || port > 65535) {
    throw usage(`address "${text}" is not [HOST:]PORT; expected e.g. 9090, 127.0.0.1:9090 or [::1]:9090`);
  }
  const host = match[1] === undefined ? '127.0.0.1' : match[1].replace(/^\[(.*)\]$/, '$1');
  return { host, port };
}

/** Rerun's default proxy URL, where `rerun` (the native viewer) listens. */
export const DEFAULT_CONNECT_URL = 'rerun+http://127.0.0.1:9876/proxy';

/** A Rerun proxy URL: `rerun+http://HOST:PORT/proxy`, `rerun+https://…` or `rerun://…`. */
export function parseConnectUrl(text: string): string {
  const t = text.trim();
  if (!/^(rerun\+https?|rerun):\/\/[^/\s]+(\/proxy\/?)?$/.test(t)) {
    throw usage(`"${text}" is not a Rerun proxy URL; expected e.g. ${DEFAULT_CONNECT_URL}`);
  }
  return t;
}

/**
 * An application id newer Rerun viewers keep as it is: non-empty, at most 180 bytes, ASCII letters, digits,
 * `_`, `-`, space, `[`, `]` and `:` (core's `applicationIdProblem`).
 */
export function parseApplicationId(text: string): string {
  const problem = applicationIdProblem(text);
  if (problem !== undefined) throw usage(`app id ${problem}; expected e.g. camstream or robot_arm:front`);
  return text;
}
