import {
  type AccessUnit,
  type AccessUnitSplitter,
  type EncodedSample,
  frameTime,
  type ResolvedH264Options,
  rawVideoInputArgs,
  resolveH264Options,
  softwareEncoderName,
  VideoCodec,
} from '@camstream/core/media';
import {
  checkEncoderCodec,
  checkedOptions,
  checkIntegerOption,
  checkProcessOptions,
  FfmpegEncoderError,
  unparsedOutput,
} from './errors.js';
import { checkEncoderArgs, liveEncodeArgs } from './ffmpeg-args.js';
import { FFMPEG_FINISH_TIMEOUT_MS, type FfmpegEncoderOptions } from './ffmpeg-encoder.js';
import { exitFailure, FfmpegRun, type RunExit } from './ffmpeg-run.js';
import { ffmpegEnv } from './malloc-env.js';
import { SampleQueue } from './sample-queue.js';
import { ffmpegSplitter, sampleOf } from './stream-samples.js';

/** A file of raw frames that ffmpeg reads itself (see {@link FfmpegFileEncode}). */
export interface FfmpegFileInput {
  readonly path: string;
  /**
   * `y4m`: YUV4MPEG2, 4:2:0, whose header has the options' size and rate. `raw`: frames back to back, no
   * header, in the options' `pixelFormat`, size and rate.
   */
  readonly container: 'y4m' | 'raw';
  /** Frames to encode from the first: the file's whole frames, or fewer. */
  readonly frames: number;
}

/** Options of {@link FfmpegFileEncode.start}: those of `FfmpegEncoder` that apply when ffmpeg reads the frames. */
export type FfmpegFileEncodeOptions = Omit<
  FfmpegEncoderOptions,
  'mode' | 'whenFull' | 'onDrop' | 'releaseFrame' | 'maxQueuedFrames' | 'framesInFlight'
>;

/**
 * A bounded file encoded at native speed: ffmpeg reads the frames from the file itself, so no pixel passes
 * through Node (through a pipe, each frame is copied twice more: measured on two cores, 0.69–0.84× of
 * ffmpeg's own speed against 0.84–0.97× this way), and the samples come back as {@link FfmpegEncoder}'s batch mode makes them: the same splitter,
 * byte for byte the same stream as `ffmpeg` run by hand on that file with core's arguments. Frame `i`'s sample
 * has PTS `frameTime(i)` at the options' rate, as core's Y4M parser gives it.
 *
 * `stop()` asks ffmpeg to stop reading (its `q` key) and still delivers what it encoded; `abort()` kills it. When
 * this process dies, ffmpeg's next write to its closed stdout ends it.
 */
export class FfmpegFileEncode {
  /** `VideoCodec.H264`, or `VideoCodec.H265` with `codec: 'h265'`. */
  readonly codec: VideoCodec;
  private readonly output = new SampleQueue<EncodedSample>();
  private readonly splitter: AccessUnitSplitter;
  private readonly expected: number;
  private run: FfmpegRun | undefined;
  private count = 0;
  private stopped = false;
  private done = false;

  private constructor(
    private readonly options: ResolvedH264Options,
    input: FfmpegFileInput,
    private readonly finishTimeoutMs: number,
  ) {
    this.codec = options.codec === 'h265' ? VideoCodec.H265 : VideoCodec.H264;
    this.expected = input.frames;
    this.splitter = ffmpegSplitter(options.codec, false);
  }

  /**
   * Checks the options and starts ffmpeg on `input`. Rejects with `invalid-options`/`unsupported-format`,
   * `ffmpeg-not-found`, or `aborted` when `signal` has fired.
   */
  static async start(input: FfmpegFileInput, options: FfmpegFileEncodeOptions): Promise<FfmpegFileEncode> {
    const resolved = checkedOptions(() => resolveH264Options(options));
    if (!Number.isSafeInteger(input.frames) || input.frames < 1)
      throw new FfmpegEncoderError('invalid-options', `frames must be an integer ≥ 1, got ${input.frames}`);
    checkProcessOptions(options);
    checkIntegerOption('finishTimeoutMs', options.finishTimeoutMs, 1);
    if (input.container === 'y4m' && resolved.pixelFormat !== 'I420')
      throw new FfmpegEncoderError(
        'unsupported-format',
        `a Y4M file holds I420 frames, not ${resolved.pixelFormat}`,
      );
    checkEncoderCodec(options.encoder, resolved.codec);
    checkEncoderArgs(options.encoderArgs);
    const signal = options.signal;
    if (signal?.aborted)
      throw new FfmpegEncoderError('aborted', 'the ffmpeg file encode was aborted before it started', {
        cause: signal.reason,
      });
    const encode = new FfmpegFileEncode(resolved, input, options.finishTimeoutMs ?? FFMPEG_FINISH_TIMEOUT_MS);
    const args = liveEncodeArgs(resolved, options.encoder ?? softwareEncoderName(resolved.codec), {
      framing: 'stream',
      input: fileInputArgs(resolved, input),
      fileFrames: input.frames,
      ...(options.threads !== undefined && { threads: options.threads }),
      ...(options.encoderArgs !== undefined && { encoderArgs: options.encoderArgs }),
      ...(options.vaapiDevice !== undefined && { vaapiDevice: options.vaapiDevice }),
    });
    encode.run = await FfmpegRun.start(
      options.ffmpegPath ?? 'ffmpeg',
      args,
      'stream',
      { packet: (piece) => encode.onPiece(piece), exit: (exit) => encode.onExit(exit) },
      ffmpegEnv(resolved.frameBytes),
    );
    signal?.addEventListener('abort', () => encode.abort(signal.reason), { once: true });
    if (signal?.aborted) encode.abort(signal.reason);
    return encode;
  }

  /** The process id of ffmpeg while it runs. */
  get pid(): number | undefined {
    return this.done ? undefined : this.run?.pid;
  }

  /** The samples, in order; ends when ffmpeg has encoded the frames (or stopped), throws the failure after one. */
  samples(): AsyncIterable<EncodedSample> {
    return this.output;
  }

  /** Frames encoded so far. */
  get frames(): number {
    return this.count;
  }

  /**
   * Stops reading the file: what ffmpeg has read is still encoded and delivered, then `samples()` ends (or,
   * when ffmpeg stalls longer than `finishTimeoutMs`, throws `encoder-failed`).
   */
  stop(): void {
    if (this.done || this.stopped) return;
    this.stopped = true;
    // ffmpeg reads its keys from stdin between frames (about every 100 ms): `q` ends the run as the last frame would.
    this.run?.write(new Uint8Array([0x71]), () => {});
    this.run?.finishWithin(this.finishTimeoutMs);
  }

  /** Kills ffmpeg at once; `samples()` throws `aborted` after the samples already out. */
  abort(reason?: unknown): void {
    this.fail(new FfmpegEncoderError('aborted', 'the ffmpeg file encode was aborted', { cause: reason }));
  }

  private onPiece(piece: Uint8Array): void {
    if (this.done) return;
    try {
      this.emit(this.splitter.push(piece));
    } catch (error) {
      this.fail(unparsedOutput(error));
    }
  }

  private onExit(exit: RunExit): void {
    if (this.done) return;
    if (exit.exitCode !== 0) {
      this.fail(exitFailure(exit));
      return;
    }
    try {
      this.emit(this.splitter.end());
    } catch (error) {
      this.fail(unparsedOutput(error));
      return;
    }
    if (!this.stopped && this.count !== this.expected) {
      this.fail(
        new FfmpegEncoderError(
          'encoder-failed',
          `ffmpeg encoded ${this.count} of the file's ${this.expected} frames`,
          { exitCode: 0, logTail: exit.logTail },
        ),
      );
      return;
    }
    this.done = true;
    this.output.end();
  }

  private emit(units: readonly AccessUnit[]): void {
    for (const au of units) {
      const index = this.count++;
      this.output.push(
        sampleOf(au, this.codec, frameTime(index, this.options.fpsNum, this.options.fpsDen), index),
      );
    }
  }

  private fail(error: FfmpegEncoderError): void {
    if (this.done) return;
    this.done = true;
    this.output.fail(error);
    this.run?.kill();
  }
}

/** ffmpeg's input arguments for the file: Y4M says its own size and rate, raw frames need them given. */
function fileInputArgs(o: ResolvedH264Options, input: FfmpegFileInput): string[] {
  if (input.container === 'raw') return rawVideoInputArgs(o, input.path);
  return ['-hide_banner', '-nostats', '-loglevel', 'error', '-f', 'yuv4mpegpipe', '-i', input.path];
}
