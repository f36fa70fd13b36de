import type { Readable } from 'node:stream';
import type { PixelFormat } from '@camstream/core';
import type { X264Preset, X264Tune } from '@camstream/encoder-wasm';
import type { CaptureCodec, EncoderChoice } from './encoder-choice.js';
import type { ListenAddress } from './flags.js';

/**
 * Options of {@link capture}: the `camstream capture` flags as a Node API. Every field is optional. With
 * {@link CaptureOptions.sources}, the per-source fields here (size, rate, limits, encoder settings) are the
 * shared defaults of every source.
 */
export interface CaptureOptions {
  /**
   * Several sources in one recording (decision 0019): cameras, files and test patterns side by side on one
   * timeline, each with its own entity, encoder, queue and drop count. Excludes `input` and `device`. One
   * source here is the same as the single-source form.
   *
   * With several sources, `time` is when each frame reached camstream (wall clock, from the run's start), so
   * frames taken at the same moment line up; files and test patterns are paced in real time. A source that
   * ends or fails is reported through {@link CaptureOptions.onSourceEnd} and the others go on; the capture
   * ends when every source has ended, or when `signal` aborts.
   */
  readonly sources?: readonly CaptureSourceOptions[];
  /**
   * What to capture. `undefined` (default): the test pattern. A path: a video file (`.y4m`, raw `.yuv` with
   * `width`/`height`/`pixelFormat`; other containers through ffmpeg.wasm). `'-'`: Y4M on `stdin`.
   */
  readonly input?: string;
  /**
   * A camera, read through the system's ffmpeg (`ffmpegPath`): `/dev/video0` on Linux (V4L2), an index or name
   * on macOS (AVFoundation), a name or `video=…` on Windows (DirectShow); `camstream devices` lists them.
   * Excludes `input`.
   */
  readonly device?: string;
  /** Where `input: '-'` reads from (default `process.stdin`). */
  readonly stdin?: Readable;
  /** Frame size: the test pattern's (default 1280x720), raw input's (required), a camera's request. */
  readonly width?: number;
  readonly height?: number;
  /** Frame rate numerator (default 30) and denominator (default 1). */
  readonly fpsNum?: number;
  readonly fpsDen?: number;
  /** Layout of raw `.yuv` input (default `I420`). */
  readonly pixelFormat?: PixelFormat;
  /** Stop after this many frames. */
  readonly frames?: number;
  /** Stop after this many seconds of video. */
  readonly durationSeconds?: number;
  /**
   * With `input: '-'`: a live stream (a camera piped in through ffmpeg). When the encoder falls behind, the
   * oldest waiting frame is dropped (counted in `dropped`), so latency stays bounded. Default: wait for the
   * encoder, so a piped file loses no frame.
   */
  readonly live?: boolean;
  /** Pace the test pattern at its frame rate (implied by `serve` and `connect`). */
  readonly realtime?: boolean;
  /**
   * Draw each test-pattern frame's capture time into it, so that glass-to-glass latency can be measured on a
   * screenshot of the viewer: a black-and-white barcode band across the top of the frame (an eighth of its
   * height, at least 24 rows) holding the wall-clock time in whole milliseconds, which core's `readTimeStamp`
   * (`@camstream/core/media`) reads back. The time is `Date.now()` at the moment camstream reads the frame for
   * encoding, the same reading that becomes the frame's `log_time`, so the picture and what
   * `camstream inspect` or the viewer show for that frame agree to the millisecond.
   *
   * Applies to the test pattern (the default source, and with {@link CaptureOptions.sources} every `pattern`
   * source that does not set its own); a capture with no test pattern is a `usage` error. The pattern must be
   * at least 80 pixels wide. Default `false`: frames are exactly what they are without it.
   */
  readonly stamp?: boolean;

  /**
   * The encoder (decision 0018): `auto` (default: the system ffmpeg when a one-frame trial with its libx264,
   * or libx265 for H.265, works; else ffmpeg.wasm, and {@link CaptureStartInfo.encoder} says why), `wasm`
   * (ffmpeg.wasm, nothing installed needed), `ffmpeg` (the system ffmpeg's software encoder), or
   * `ffmpeg:<name>` (an ffmpeg encoder by name, such as `h264_nvenc`; `camstream encoders` lists what works).
   * An explicit `ffmpeg…` choice that cannot work is an error, never a silent fallback.
   */
  readonly encoder?: EncoderChoice;
  /**
   * `h264` (default) or `h265` (libx265 through the system ffmpeg; ffmpeg.wasm cannot encode it). Browsers
   * without an HEVC decoder (Chromium and Firefox on Linux) show nothing of an H.265 stream; the native Rerun
   * viewer plays it with an FFmpeg installed.
   */
  readonly codec?: CaptureCodec;
  /** The system ffmpeg to run, for the encoder and for `device` (default `ffmpeg` on PATH). */
  readonly ffmpegPath?: string;
  /** Extra ffmpeg arguments after camstream's own, for the system ffmpeg encoder (an escape hatch). */
  readonly encoderArgs?: readonly string[];
  /** x264 preset (default `veryfast`). */
  readonly preset?: X264Preset;
  /** x264 tune (default `zerolatency`); H.265 takes `zerolatency`, `psnr`, `ssim`, `grain`, `fastdecode`, `animation`. */
  readonly tune?: X264Tune;
  /** Constant quality 0–51 (x264's 23 by default). Excludes `bitrate`. */
  readonly crf?: number;
  /** Target bit rate, bits/s. Excludes `crf`. */
  readonly bitrate?: number;
  /** Frames from one keyframe to the next (default 30). */
  readonly gop?: number;
  /** Encoder threads of the batch mode (default: the machine's available parallelism). */
  readonly threads?: number;

  /**
   * Write the recording to this `.rrd` file. What was logged is on disk within 250 ms (the 200 ms batching
   * delay plus the file's 50 ms), so a crash or `kill -9` loses at most that much (decision 0014).
   */
  readonly save?: string;
  /** `fsync` the `save` file on each timed write (at most every 50 ms), so a power loss loses no more. */
  readonly sync?: boolean;
  /**
   * Serve the recording live (the Rerun proxy and a hosted viewer page) on `host:port`, with an access
   * `token` (required unless `host` is loopback) and optionally over HTTPS (`tls`).
   */
  readonly serve?: ServeOptions;
  /** Stream the recording to a Rerun proxy such as `rerun+http://127.0.0.1:9876/proxy`. */
  readonly connect?: string;
  /**
   * How long `serve` keeps serving after a bounded source ended, ms. Default: until `signal` aborts, so
   * viewers that open later still see the whole recording.
   */
  readonly lingerMs?: number;

  /** Entity path of the video (default `video_stream`). */
  readonly entity?: string;
  /** Duration timeline set at each frame's PTS (default `time`). */
  readonly timeline?: string;
  /**
   * Application id (default `camstream`): letters, digits, `_ - [ ] :` and space, at most 180 bytes; anything
   * else is a `usage` error.
   */
  readonly applicationId?: string;
  /** Recording id (default: a random UUID). */
  readonly recordingId?: string;
  /** Log encode latency, frame bytes, bit rate, fps and dropped frames as `Scalars` under `stats/…`. */
  readonly stats?: boolean;
  /** Micro-batching of `save` and `connect` (decision 0010); `serve` batches by {@link ServeOptions.batchMs}. */
  readonly batching?: CaptureBatching;

  /** Ends the capture cleanly: the source stops, the encoder flushes, sinks close. */
  readonly signal?: AbortSignal;
  /** Called after every encoded frame. */
  readonly onProgress?: (progress: CaptureProgress) => void;
  /** Called once the source is open (size, rate, mode known) and the sinks are ready. */
  readonly onStart?: (info: CaptureStartInfo) => void;
  /**
   * Called when an output fails (a full disk, a `connect` server that refused the recording or stayed
   * unreachable): that output is closed, the others go on, and the capture ends once none is left
   * (decision 0014). With this handler the capture resolves and lists the failures in
   * {@link CaptureSummary.failedSinks}; without it, `capture()` rejects with a `runtime` CliError at the end.
   */
  readonly onSinkError?: (failure: CaptureSinkFailure) => void;
  /**
   * With several {@link CaptureOptions.sources}: called once for each source that ends, fails, or cannot open
   * (the others go on). Not called for the sources still running when `signal` aborts.
   */
  readonly onSourceEnd?: (end: CaptureSourceEnd) => void;
  /**
   * Called when something goes wrong that does not stop the capture. `behind`: a live capture cannot keep
   * its frame rate (reported once; the counts go on in {@link CaptureProgress.dropped} and `late`).
   */
  readonly onWarning?: (warning: CaptureWarning) => void;
}

/**
 * One source of a capture with several ({@link CaptureOptions.sources}): exactly one of `device`, `input` and
 * `pattern`, where to log it, and settings that override the shared ones for this source only.
 *
 * @example
 * ```ts
 * const sources: CaptureSourceOptions[] = [
 *   { device: '/dev/video0', entity: 'cameras/front' },
 *   { input: 'replay.mp4', entity: 'replay' },
 *   { pattern: '640x480@30', entity: 'sim/cam0', hue: 120, encoder: 'wasm' },
 * ];
 * ```
 */
export interface CaptureSourceOptions
  extends Pick<
    CaptureOptions,
    | 'width'
    | 'height'
    | 'fpsNum'
    | 'fpsDen'
    | 'pixelFormat'
    | 'frames'
    | 'durationSeconds'
    | 'preset'
    | 'tune'
    | 'crf'
    | 'bitrate'
    | 'gop'
    | 'encoder'
  > {
  /** A camera, as {@link CaptureOptions.device}. */
  readonly device?: string;
  /** A video file, or `'-'` for Y4M on {@link CaptureOptions.stdin} (one source at most), as {@link CaptureOptions.input}. */
  readonly input?: string;
  /**
   * The test pattern: `'WIDTHxHEIGHT@FPS'` (`'640x480@30'`, `'1280x720@29.97'`), or `true` for this source's
   * (or the shared) `width`, `height` and `fpsNum` (default 1280x720 at 30).
   */
  readonly pattern?: string | true;
  /**
   * Entity path of this source's video. Default: {@link CaptureOptions.entity} for one source, and
   * `<entity>/<position>` (`video_stream/0`, …) with several. Two sources on one path, or one path inside
   * another's, are a `usage` error.
   */
  readonly entity?: string;
  /** The test pattern's colours turned by this many degrees of hue, so that patterns tell apart on screen. */
  readonly hue?: number;
  /**
   * Draw each frame's capture time into this test pattern, as {@link CaptureOptions.stamp} says (the barcode
   * band holds the same wall-clock millisecond as the frame's `log_time`). Overrides the shared `stamp`;
   * `true` on a `device` or `input` is a `usage` error.
   */
  readonly stamp?: boolean;
}

/** A source of a capture with several that ended, failed, or could not open. */
export interface CaptureSourceEnd {
  /** The source's entity path. */
  readonly entity: string;
  /** The source as given: a camera, a path, `pattern 640x480@30`. */
  readonly source: string;
  /** `ended`: it gave its last frame (a file's end, a frame limit); `failed`: an error stopped it. */
  readonly outcome: 'ended' | 'failed';
  /** Frames of it logged. */
  readonly frames: number;
  /** What stopped a failed source. */
  readonly error?: unknown;
  /** One line for people: which source, what happened, and that the others go on. */
  readonly message: string;
}

/** Something worth knowing that does not stop a capture. */
export interface CaptureWarning {
  /** `behind`: over a second, the frames encoded fell more than 10% short of the requested rate. */
  readonly code: 'behind';
  /** One line for people: what happened, the numbers, and what to change. */
  readonly message: string;
}

/** An output of a capture: `save` (a file), `serve` (the live server), `connect` (a Rerun proxy). */
export type CaptureOutput = 'save' | 'serve' | 'connect';

/** An output that failed during a capture. */
export interface CaptureSinkFailure {
  readonly output: CaptureOutput;
  /** The file's path, the served page's URL, or the `connect` URL. */
  readonly target: string;
  /** Why, in a few words (`disk full`). */
  readonly reason: string;
  /**
   * One line for people: what stopped, why, and what goes on (`stopped saving to x.rrd: disk full; the live
   * server keeps running`).
   */
  readonly message: string;
  /** What the sink threw. */
  readonly error: unknown;
}

/** Where and how {@link CaptureOptions.serve} listens. */
export interface ServeOptions extends ListenAddress {
  /**
   * Access token, at least 8 visible ASCII characters; required when `host` is not loopback. A browser opens
   * the page once as `/?token=TOKEN` (which sets a cookie); gRPC clients send `authorization: Bearer TOKEN`.
   */
  readonly token?: string;
  /**
   * Serve over HTTPS. Needed for browsers on other machines: the viewer decodes video with WebCodecs, which a
   * browser offers only to secure contexts (HTTPS, or a loopback address), and the token travels encrypted.
   */
  readonly tls?: ServeTls;
  /**
   * Longest a frame waits to go to viewers together with the frames after it, as one message, ms (default
   * {@link DEFAULT_SERVE_BATCH_MS}; 0: every frame at once). A viewer that draws a few times a second (no GPU, a
   * busy machine) takes in only a few messages per drawn frame; 100 (about three frames at 30 fps) keeps it
   * live instead of falling behind. A keyframe always starts a new message.
   */
  readonly batchMs?: number;
}

/** {@link ServeOptions.batchMs}'s default: core's `VIEWER_BATCHING` delay, which keeps a served viewer live. */
export const DEFAULT_SERVE_BATCH_MS = 100;

/** PEM certificate (chain) and its unencrypted private key, as text or bytes. */
export interface ServeTls {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
}

/** Micro-batching limits of file and `--connect` sinks; unset fields take Rerun's defaults. */
export interface CaptureBatching {
  readonly maxRows?: number;
  readonly maxBytes?: number;
  readonly maxDelayMs?: number;
}

/** What {@link CaptureOptions.onStart} learns of one source. */
export interface CaptureSourceStartInfo {
  /** The entity path its video is logged on. */
  readonly entity: string;
  /** The source: `testsrc`, a path, `stdin`, a camera. */
  readonly source: string;
  readonly width: number;
  readonly height: number;
  readonly fpsNum: number;
  readonly fpsDen: number;
  /** `live`: one frame in, one out, drops under load; `batch`: every frame, as fast as possible. */
  readonly mode: EncodeMode;
  /**
   * What a live run does with frames when the encoder falls behind: `drop` the oldest (cameras, the paced
   * pattern, `live` stdin), or `wait` for the encoder (stdin, files). `undefined` in batch mode.
   */
  readonly whenBehind: 'drop' | 'wait' | undefined;
  /** The encoder in use, for people (`system ffmpeg 5.1.8 libx264`, `ffmpeg.wasm libx264`). */
  readonly encoder: string;
  /** Why `encoder: 'auto'` did not use the system ffmpeg (`no system ffmpeg: …`), when it did not. */
  readonly encoderFallback?: string;
  /**
   * The system ffmpeg reads the file itself (a batch run of a raw or Y4M file): no pixel passes through
   * camstream, and each frame's capture time is when its sample came out.
   */
  readonly ffmpegReadsFile: boolean;
  /** Frames expected, when known. */
  readonly totalFrames: number | undefined;
}

/**
 * What {@link CaptureOptions.onStart} learns: the source (with several, the first that opened) and the outputs;
 * `sources` lists every source that opened.
 */
export interface CaptureStartInfo extends CaptureSourceStartInfo {
  /** Every source that opened, in the order given. */
  readonly sources: readonly CaptureSourceStartInfo[];
  /** The hosted viewer page, with `serve` (`https://…` with `tls`; without the token). */
  readonly url?: string;
  /** The proxy URL viewers connect to, with `serve`. */
  readonly proxyUrl?: string;
}

/** How frames are encoded. */
export type EncodeMode = 'live' | 'batch';

/** Running counters of a capture (with several sources: of one source, named by `entity`). */
export interface CaptureProgress {
  /** The entity path of the source these counters are of. */
  readonly entity: string;
  /** Frames encoded and logged. */
  readonly frames: number;
  /** Frames the live encoder dropped to keep up. */
  readonly dropped: number;
  /**
   * Frames the paced test pattern (`realtime`, `serve`, `connect`) made later than their time: the machine
   * cannot render the requested size and rate, and the video falls behind the wall clock.
   */
  readonly late: number;
  /** Encoded video bytes. */
  readonly bytes: number;
  /** Frames expected, when known. */
  readonly totalFrames: number | undefined;
  /** Wall time since the first frame, ms. */
  readonly elapsedMs: number;
  /** Frames per second over the last second. */
  readonly fps: number;
  /** Bit rate of the video over its last second, bits/s. */
  readonly bitrate: number;
  /** Encode latency of the last frame (read → sample), ms. */
  readonly latencyMs: number;
}

/** The counts of a capture, or of one of its sources. */
export interface CaptureCounts {
  readonly frames: number;
  readonly keyframes: number;
  /** Frames the live encoder dropped to keep up (a camera, the paced test pattern). */
  readonly dropped: number;
  /** Frames the paced test pattern made later than their time (see {@link CaptureProgress.late}). */
  readonly late: number;
  /** Encoded video bytes. */
  readonly bytes: number;
  /** Wall time from the first frame to the last sample, s. */
  readonly seconds: number;
  /** Frames per second over that time. */
  readonly fps: number;
}

/** What a finished {@link capture} did. */
export interface CaptureSummary extends CaptureCounts {
  readonly mode: EncodeMode;
  /** The encoder used, as in {@link CaptureStartInfo.encoder} (several sources: each one used, joined by `, `). */
  readonly encoder: string;
  /** The codec of the video. */
  readonly codec: CaptureCodec;
  /** Whether `signal` ended the capture (Ctrl-C) before the source did. */
  readonly stopped: boolean;
  /** The `.rrd` written and its size, with `save`. */
  readonly saved?: { readonly path: string; readonly bytes: number };
  /** The hosted viewer page, with `serve`. */
  readonly url?: string;
  /** CPU time of the main thread and the whole process (main + encoder threads), ms; Linux only. */
  readonly cpu?: { readonly mainThreadMs: number; readonly processMs: number };
  /** Outputs that failed during the capture, in order (empty when every output got the whole recording). */
  readonly failedSinks: readonly CaptureSinkFailure[];
  /** Each source's own counts, in the order given (one entry for a single source); the fields above sum them. */
  readonly sources: readonly CaptureSourceSummary[];
}

/** What one source of a {@link capture} did. */
export interface CaptureSourceSummary extends CaptureCounts {
  readonly entity: string;
  /** The source as given: a camera, a path, `testsrc`, `pattern 640x480@30`. */
  readonly source: string;
  /** `ended`: it gave its last frame; `stopped`: `signal` ended it; `failed`: an error (or it could not open). */
  readonly outcome: 'ended' | 'stopped' | 'failed';
  /** The encoder it used (`undefined` if it could not open). */
  readonly encoder: string | undefined;
  /** Why it failed, with `outcome: 'failed'`. */
  readonly error?: unknown;
}
