import { errorMessage, rawVideoInputArgs, resolveH264Options } from '@camstream/core/media';
import { FfmpegEncoderError } from '../errors.js';
import { codecArgsFor } from '../ffmpeg-args.js';
import { describeEncoder, type EncoderCodec, type EncoderKind, KNOWN_ENCODERS } from './encoder-family.js';
import { failureReason, parseEncoderList, parseFfmpegVersion } from './ffmpeg-output.js';
import { type FinishedRun, runToEnd } from './run-to-end.js';

/** What {@link probeEncoders} found out about one encoder. */
export interface EncoderProbe extends EncoderKind {
  /** A one-frame trial encode succeeded. */
  readonly ok: boolean;
  /**
   * Why it did not (only when `ok` is false), one line: ffmpeg's message naming the cause (`Cannot load
   * libcuda.so.1`), `not in this ffmpeg build`, `writes mpeg4, not H.264 or H.265`, or `timed out after N ms`.
   */
  readonly reason?: string;
  /**
   * The codec ffmpeg's list says the encoder writes, in ffmpeg's words (`h264`, `hevc`, `mpeg4`); absent when
   * the build does not have it. Only `h264` and `hevc` are tried; `codec` follows it for those.
   */
  readonly ffmpegCodec?: string;
}

/** ffmpeg's names of the codecs camstream streams. */
const STREAMED_CODECS: Readonly<Record<string, EncoderCodec>> = { h264: 'h264', hevc: 'h265' };

/**
 * The camstream codec of a codec as ffmpeg names it (an {@link EncoderProbe}'s `ffmpegCodec`): `h264` → `h264`,
 * `hevc` → `h265`; `undefined` for any other (`mpeg4`), which camstream does not stream.
 */
export function streamedCodec(ffmpegCodec: string): EncoderCodec | undefined {
  return Object.hasOwn(STREAMED_CODECS, ffmpegCodec) ? STREAMED_CODECS[ffmpegCodec] : undefined;
}

/** The ffmpeg {@link probeEncoders} ran. */
export interface FfmpegInfo {
  /** The executable as given (a path, or a name looked up on PATH). */
  readonly path: string;
  /** The version its banner states (`5.1.9-0+deb12u1`), or `unknown`. */
  readonly version: string;
}

/** The result of {@link probeEncoders}. */
export interface EncoderProbeReport {
  /** The ffmpeg that was run; undefined when it could not be started. */
  readonly ffmpeg: FfmpegInfo | undefined;
  /** Why ffmpeg could not be used (only when `ffmpeg` is undefined). */
  readonly reason?: string;
  /** One entry per candidate, in the order tried: the known encoders ffmpeg lists, then the `names` given. */
  readonly encoders: readonly EncoderProbe[];
}

/** Options of {@link probeEncoders}. */
export interface ProbeEncodersOptions {
  /** The ffmpeg executable: a path, or a name looked up on PATH. Default `ffmpeg`. */
  readonly ffmpegPath?: string;
  /** Encoder names to try besides the known ones ffmpeg lists (tried even when not listed, to say so). */
  readonly names?: readonly string[];
  /** Try only `names`, not the known encoders (a capture checking the one encoder it is about to use). */
  readonly onlyNames?: boolean;
  /** The VA-API device the `*_vaapi` trials use. Default `/dev/dri/renderD128`. */
  readonly vaapiDevice?: string;
  /** Milliseconds one trial may take before it counts as failed. Default 10 000. */
  readonly timeoutMs?: number;
  /** Stops the probe: running trials are killed and the promise rejects with `aborted`. */
  readonly signal?: AbortSignal;
}

/** Trials run at once: hardware trials mostly wait for drivers, but the machines may have two cores. */
const CONCURRENCY = 2;

/** NVENC refuses frames below about 145x49 and other hardware has its own minimums; 256x256 passes them all. */
function trialSize(kind: EncoderKind): number {
  return kind.family === 'software' ? 64 : 256;
}

/** One black I420 frame: Y 16, U and V 128. */
function blackFrame(size: number): Uint8Array {
  const frame = new Uint8Array((size * size * 3) / 2);
  frame.fill(16, 0, size * size);
  frame.fill(128, size * size);
  return frame;
}

/**
 * What this machine can encode with: `ffmpeg -encoders` says which of camstream's known encoders (libx264,
 * libx265, h264/hevc × nvenc, vaapi, qsv) the build has, and each of those, plus any `names` given, gets a
 * one-frame trial encode with the arguments a capture would use (a black frame, 64x64, or 256x256 for
 * hardware), two at a time, each under a timeout. A build that has an encoder whose hardware or driver is
 * missing lists it; only the trial tells. Never rejects for an encoder that fails or an ffmpeg that cannot
 * start (the report says so); rejects with `aborted` when `signal` fires.
 */
export async function probeEncoders(options: ProbeEncodersOptions = {}): Promise<EncoderProbeReport> {
  const path = options.ffmpegPath ?? 'ffmpeg';
  const timeoutMs = options.timeoutMs ?? 10_000;
  let listing: FinishedRun;
  try {
    // Without -hide_banner the banner (with the version) goes to stderr and the list to stdout.
    listing = await runToEnd(path, ['-encoders'], { timeoutMs, ...signalOf(options.signal) });
  } catch (error) {
    throwIfAborted(options.signal);
    return { ffmpeg: undefined, reason: notStarted(path, error), encoders: [] };
  }
  if (listing.exitCode !== 0) {
    const why = listing.timedOut ? `timed out after ${timeoutMs} ms` : failureReason(listing.stderr);
    return { ffmpeg: undefined, reason: `${path} -encoders failed: ${why ?? 'no message'}`, encoders: [] };
  }
  const ffmpeg = { path, version: parseFfmpegVersion(listing.stderr) ?? 'unknown' };
  // Each listed encoder with the codec it writes.
  const listed = parseEncoderList(listing.stdout);
  // Every ffmpeg build lists some (rawvideo at least): a program that lists none is no ffmpeg.
  if (listed.size === 0)
    return { ffmpeg: undefined, reason: `${path} -encoders listed no encoders; is it ffmpeg?`, encoders: [] };
  const candidates = [
    ...new Set([
      ...(options.onlyNames === true ? [] : KNOWN_ENCODERS.filter((name) => listed.has(name))),
      ...(options.names ?? []),
    ]),
  ];
  const results: EncoderProbe[] = new Array(candidates.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < candidates.length) {
      const index = next++;
      const name = candidates[index] as string;
      const ffmpegCodec = listed.get(name);
      const codec = ffmpegCodec === undefined ? undefined : streamedCodec(ffmpegCodec);
      results[index] =
        ffmpegCodec === undefined
          ? { ...describeEncoder(name), ok: false, reason: 'not in this ffmpeg build' }
          : codec === undefined
            ? {
                ...describeEncoder(name),
                ok: false,
                ffmpegCodec,
                reason: `writes ${ffmpegCodec}, not H.264 or H.265`,
              }
            : {
                ...(await trial(path, { ...describeEncoder(name), codec }, timeoutMs, options)),
                ffmpegCodec,
              };
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, candidates.length) }, worker));
  return { ffmpeg, encoders: results };
}

async function trial(
  path: string,
  kind: EncoderKind,
  timeoutMs: number,
  options: ProbeEncodersOptions,
): Promise<EncoderProbe> {
  const { signal } = options;
  const size = trialSize(kind);
  const o = resolveH264Options({ width: size, height: size, fpsNum: 30, codec: kind.codec });
  const codec = codecArgsFor(
    o,
    kind.name,
    options.vaapiDevice === undefined ? {} : { vaapiDevice: options.vaapiDevice },
  );
  // -hide_banner -loglevel error (from the input arguments): stderr holds the errors only.
  const args = [...codec.input, ...rawVideoInputArgs(o, 'pipe:0'), ...codec.output];
  args.push('-frames:v', '1', '-f', 'null', '-');
  let run: FinishedRun;
  try {
    run = await runToEnd(path, args, { stdin: blackFrame(size), timeoutMs, ...signalOf(signal) });
  } catch (error) {
    throwIfAborted(signal);
    return { ...kind, ok: false, reason: notStarted(path, error) };
  }
  if (run.exitCode === 0) return { ...kind, ok: true };
  const reason = run.timedOut ? `timed out after ${timeoutMs} ms` : failureReason(run.stderr);
  return { ...kind, ok: false, reason: reason ?? `ffmpeg exited with code ${run.exitCode} and no message` };
}

function signalOf(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted)
    throw new FfmpegEncoderError('aborted', 'the encoder probe was aborted', { cause: signal.reason });
}

function notStarted(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `ffmpeg not found (${JSON.stringify(path)})`;
  return `could not start ffmpeg (${JSON.stringify(path)}): ${errorMessage(error)}`;
}
