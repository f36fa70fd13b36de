// Parsing of the ffmpeg log lines a decode run prints with `-loglevel level+info`: the input's description
// (codec, size, frame rate, duration) and `showinfo`'s line per frame (the demuxer's timestamp).
import { fraction } from './decode-options.js';

/** A rational time base, seconds per tick. */
export interface TimeBase {
  readonly num: number;
  readonly den: number;
}

/** One `showinfo` frame line: frame number, timestamp in ticks of the filter's time base, picture size. */
export interface ShowinfoFrame {
  readonly n: number;
  /** Undefined when ffmpeg had no timestamp for the frame (`NOPTS`). */
  readonly pts: bigint | undefined;
  readonly width: number;
  readonly height: number;
}

/** What one log line says; `other` for anything a decode run does not need. */
export type LogLine =
  | { readonly kind: 'frame'; readonly frame: ShowinfoFrame }
  | { readonly kind: 'time-base'; readonly timeBase: TimeBase }
  | { readonly kind: 'input-start' }
  | { readonly kind: 'output-start' }
  | { readonly kind: 'duration'; readonly durationNs: bigint | undefined }
  | {
      readonly kind: 'video-stream';
      readonly codec: string;
      readonly width: number;
      readonly height: number;
      readonly fps: { readonly num: number; readonly den: number } | undefined;
    }
  | { readonly kind: 'error'; readonly text: string }
  | { readonly kind: 'other' };

const PREFIX = /^(?:\[[^\]]* @ [^\]]*\] )?(?:\[(trace|debug|verbose|info|warning|error|fatal|panic)\] )?/;
const FRAME = /^n:\s*(\d+)\s+pts:\s*(-?\d+|NOPTS)\s.*?\bs:(\d+)x(\d+)\b/;
const TIME_BASE = /^config in time_base: (\d+)\/(\d+)/;
const DURATION = /^\s*Duration: (?:(\d+):(\d\d):(\d\d)\.(\d+)|N\/A)/;
const STREAM = /^\s*Stream #0:\d+.*?: Video: (\w+)(.*)$/;
const SIZE = /, (\d+)x(\d+)\b/;
const FPS = /, (\d+(?:\.\d+)?)(k?) (?:fps|tbr)\b/;

/** The message of a log line without its `[context @ 0x…] [level] ` prefix, and its level. */
export function stripPrefix(line: string): { level: string | undefined; text: string } {
  const match = PREFIX.exec(line);
  const prefix = match?.[0] ?? '';
  return { level: match?.[1], text: line.slice(prefix.length).replace(/\r?\n$/, '') };
}

/** Reads one line of a decode run's log. */
export function parseLogLine(line: string): LogLine {
  const { level, text } = stripPrefix(line);
  if (level === 'error' || level === 'fatal' || level === 'panic') return { kind: 'error', text };
  const frame = FRAME.exec(text);
  if (frame) {
    const [, n, pts, w, h] = frame as unknown as [string, string, string, string, string];
    return {
      kind: 'frame',
      frame: {
        n: Number(n),
        pts: pts === 'NOPTS' ? undefined : BigInt(pts),
        width: Number(w),
        height: Number(h),
      },
    };
  }
  const tb = TIME_BASE.exec(text);
  if (tb) return { kind: 'time-base', timeBase: { num: Number(tb[1]), den: Number(tb[2]) } };
  if (/^Input #0\b/.test(text)) return { kind: 'input-start' };
  if (/^Output #0\b/.test(text)) return { kind: 'output-start' };
  const duration = DURATION.exec(text);
  if (duration) {
    if (duration[1] === undefined) return { kind: 'duration', durationNs: undefined };
    const [, h, m, s, frac] = duration as unknown as [string, string, string, string, string];
    const seconds = BigInt(h) * 3600n + BigInt(m) * 60n + BigInt(s);
    const fracNs = BigInt(frac.padEnd(9, '0').slice(0, 9));
    return { kind: 'duration', durationNs: seconds * 1_000_000_000n + fracNs };
  }
  const stream = STREAM.exec(text);
  if (stream) {
    const [, codec, rest] = stream as unknown as [string, string, string];
    const size = SIZE.exec(rest);
    const fps = FPS.exec(rest);
    const rate = fps ? Number(fps[1]) * (fps[2] === 'k' ? 1000 : 1) : undefined;
    return {
      kind: 'video-stream',
      codec,
      width: Number(size?.[1] ?? 0),
      height: Number(size?.[2] ?? 0),
      fps: rate === undefined || !(rate > 0) ? undefined : fraction(rate),
    };
  }
  return { kind: 'other' };
}

/**
 * `ticks` of `timeBase` in nanoseconds, rounded down (toward −∞), as core's `frameTime` does: a raw file at
 * 30 fps gets the same PTS either way.
 */
export function ticksToNanos(ticks: bigint, timeBase: TimeBase): bigint {
  const n = ticks * BigInt(timeBase.num) * 1_000_000_000n;
  const d = BigInt(timeBase.den);
  const q = n / d;
  return n < 0n && q * d !== n ? q - 1n : q;
}
