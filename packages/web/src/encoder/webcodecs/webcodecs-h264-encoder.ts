import {
  type EncodedSample,
  type Encoder,
  micros,
  type RawFrame,
  toMicros,
  VideoCodec,
} from '@camstream/core/media';
import { WebError } from '../../errors.js';
import { H264Profile, h264CodecString } from '../h264-level.js';
import { AsyncQueue } from './async-queue.js';
import { assertWebCodecs } from './webcodecs-support.js';

/** Options of {@link WebCodecsH264Encoder.create}. */
export interface WebCodecsH264EncoderOptions {
  /** Picture width in pixels (even: H.264 4:2:0). */
  readonly width: number;
  /** Picture height in pixels (even: H.264 4:2:0). */
  readonly height: number;
  /** Expected frames per second, for rate control and the level (default 30). */
  readonly framerate?: number;
  /** Target bitrate in bit/s (default 0.1 bit per pixel per frame, e.g. ~0.9 Mbit/s at 640x480, 30 fps). */
  readonly bitrate?: number;
  /** A keyframe every this many frames (default two seconds' worth). Late joiners wait at most this long. */
  readonly keyframeInterval?: number;
  /** H.264 profile (default Constrained Baseline); the level is chosen to fit size, rate and bitrate. */
  readonly profile?: H264Profile;
  /** A full codec string (e.g. `avc1.42E01F`) instead of `profile` + the chosen level. */
  readonly codec?: string;
  /** WebCodecs hardware preference (default `no-preference`). */
  readonly hardwareAcceleration?: HardwareAcceleration;
}

/** Per-encoder counters, for a stats line. */
export interface EncoderStats {
  /** Frames handed to {@link WebCodecsH264Encoder.encode}. */
  readonly framesIn: number;
  /** Samples produced. */
  readonly samplesOut: number;
  /** Keyframe samples produced. */
  readonly keyframes: number;
  /** Encoded bytes produced. */
  readonly bytesOut: number;
  /** Time from `encode()` to the sample for the last sample, ms; `undefined` before the first. */
  readonly lastLatencyMs: number | undefined;
  /** Frames queued inside the browser's encoder right now (`VideoEncoder.encodeQueueSize`). */
  readonly queueSize: number;
}

/** Per-call options of {@link WebCodecsH264Encoder.encode}. */
export interface EncodeFrameOptions {
  /** Force this frame to be a keyframe. */
  readonly keyFrame?: boolean;
}

function isRawFrame(frame: RawFrame | VideoFrame): frame is RawFrame {
  return 'data' in frame && frame.data instanceof Uint8Array;
}

/**
 * H.264 encoding with the browser's WebCodecs `VideoEncoder`, producing one Annex B {@link EncodedSample} per
 * frame (SPS+PPS inline on keyframes), as the Rerun viewer needs. Realtime latency mode, no B-frames,
 * a keyframe every `keyframeInterval` frames. Implements core's `Encoder`, and also takes `VideoFrame`s
 * directly (camera frames, canvas frames).
 *
 * @example
 * ```ts
 * const encoder = await WebCodecsH264Encoder.create({ width: 640, height: 480, framerate: 30 });
 * encoder.encode(videoFrame); // the caller still owns and closes videoFrame
 * for await (const sample of encoder.samples()) log(sample);
 * ```
 */
export class WebCodecsH264Encoder implements Encoder {
  /** Always H.264. */
  readonly codec = VideoCodec.H264;
  /** The configuration the browser accepted. */
  readonly config: Readonly<VideoEncoderConfig>;
  readonly #encoder: VideoEncoder;
  readonly #keyframeInterval: number;
  readonly #queue = new AsyncQueue<EncodedSample>();
  /** Input timestamp (µs) → `performance.now()` when it went in, for latency. */
  readonly #submitted = new Map<number, number>();
  #codecString: string;
  #forceKeyframe = false;
  #closed = false;
  #error: WebError | undefined;
  #framesIn = 0;
  #samplesOut = 0;
  #keyframes = 0;
  #bytesOut = 0;
  #lastLatencyMs: number | undefined;

  /**
   * Checks WebCodecs and the configuration (`VideoEncoder.isConfigSupported`), then opens the encoder.
   * Throws `WebError` `unsupported` (no WebCodecs, or the browser cannot encode this configuration) or
   * `invalid-argument` (odd or empty size, bad rate).
   */
  static async create(options: WebCodecsH264EncoderOptions): Promise<WebCodecsH264Encoder> {
    assertWebCodecs();
    const { width, height } = options;
    const framerate = options.framerate ?? 30;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
      throw new WebError(
        'invalid-argument',
        `encoder size must be positive integers, got ${width}x${height}`,
      );
    }
    if (width % 2 !== 0 || height % 2 !== 0) {
      throw new WebError(
        'invalid-argument',
        `H.264 4:2:0 needs an even width and height, got ${width}x${height}`,
      );
    }
    if (!(framerate > 0 && Number.isFinite(framerate))) {
      throw new WebError('invalid-argument', `framerate must be a positive number, got ${framerate}`);
    }
    const bitrate = options.bitrate ?? Math.round(width * height * framerate * 0.1);
    const keyframeInterval = options.keyframeInterval ?? Math.max(1, Math.round(framerate * 2));
    if (!Number.isInteger(keyframeInterval) || keyframeInterval < 1) {
      throw new WebError(
        'invalid-argument',
        `keyframeInterval must be a whole number ≥ 1, got ${keyframeInterval}`,
      );
    }
    const codec =
      options.codec ??
      h264CodecString(
        { width, height, framerate, bitrate },
        options.profile ?? H264Profile.ConstrainedBaseline,
      );
    const config: VideoEncoderConfig = {
      codec,
      width,
      height,
      framerate,
      bitrate,
      latencyMode: 'realtime',
      hardwareAcceleration: options.hardwareAcceleration ?? 'no-preference',
      avc: { format: 'annexb' },
    };
    let support: VideoEncoderSupport;
    try {
      support = await VideoEncoder.isConfigSupported(config);
    } catch (cause) {
      throw new WebError('unsupported', `the browser rejected the H.264 encoder configuration ${codec}`, {
        cause,
      });
    }
    if (support.supported !== true) {
      throw new WebError(
        'unsupported',
        `this browser cannot encode H.264 ${codec} at ${width}x${height}, ${framerate} fps, ${bitrate} bit/s`,
      );
    }
    return new WebCodecsH264Encoder(support.config ?? config, keyframeInterval);
  }

  private constructor(config: VideoEncoderConfig, keyframeInterval: number) {
    this.config = config;
    this.#keyframeInterval = keyframeInterval;
    this.#codecString = config.codec;
    this.#encoder = new VideoEncoder({
      output: (chunk, metadata) => this.#onChunk(chunk, metadata),
      error: (error) =>
        this.#fail(
          new WebError('encoder-failed', `H.264 encoder failed: ${error.message}`, { cause: error }),
        ),
    });
    try {
      this.#encoder.configure(config);
    } catch (cause) {
      throw new WebError('unsupported', `could not configure the H.264 encoder (${config.codec})`, { cause });
    }
  }

  /** The codec string of the stream (from the encoder's decoder config once known). */
  get codecString(): string {
    return this.#codecString;
  }

  /** Frames waiting inside the browser's encoder; drop source frames while this grows (live back-pressure). */
  get encodeQueueSize(): number {
    return this.#encoder.encodeQueueSize;
  }

  /** A snapshot of the counters. */
  get stats(): EncoderStats {
    return {
      framesIn: this.#framesIn,
      samplesOut: this.#samplesOut,
      keyframes: this.#keyframes,
      bytesOut: this.#bytesOut,
      lastLatencyMs: this.#lastLatencyMs,
      queueSize: this.#encoder.state === 'configured' ? this.#encoder.encodeQueueSize : 0,
    };
  }

  /**
   * Queues one frame. A `VideoFrame` stays owned by the caller (close it after this returns); a core
   * `RawFrame` (RGBA, I420 or NV12) is wrapped in a `VideoFrame` here. Throws the encoder's error if it
   * failed, or `encoder-closed` after {@link WebCodecsH264Encoder.close}.
   */
  encode(frame: RawFrame | VideoFrame, options: EncodeFrameOptions = {}): void {
    if (this.#error !== undefined) throw this.#error;
    if (this.#closed)
      throw new WebError('encoder-closed', 'encode() called after the H.264 encoder was closed');
    const keyFrame =
      options.keyFrame === true || this.#forceKeyframe || this.#framesIn % this.#keyframeInterval === 0;
    this.#forceKeyframe = false;
    if (isRawFrame(frame)) {
      const timestamp = toMicros(frame.pts);
      const videoFrame = new VideoFrame(frame.data, {
        format: frame.format,
        codedWidth: frame.width,
        codedHeight: frame.height,
        timestamp,
      });
      try {
        this.#submit(videoFrame, keyFrame);
      } finally {
        videoFrame.close();
      }
    } else {
      this.#submit(frame, keyFrame);
    }
  }

  /** Makes the next frame a keyframe (for a viewer that joins late). */
  requestKeyframe(): void {
    this.#forceKeyframe = true;
  }

  /** The encoded samples in order; ends after {@link WebCodecsH264Encoder.close}, throws if the encoder fails. */
  samples(): AsyncIterable<EncodedSample> {
    return this.#queue;
  }

  /** Encodes what is queued, closes the browser's encoder and ends {@link WebCodecsH264Encoder.samples}. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#encoder.state === 'configured') {
      try {
        await this.#encoder.flush();
      } catch (cause) {
        if (this.#error === undefined) {
          this.#fail(new WebError('encoder-failed', 'H.264 encoder failed while flushing', { cause }));
        }
      }
    }
    if (this.#encoder.state !== 'closed') this.#encoder.close();
    this.#submitted.clear();
    if (this.#error === undefined) this.#queue.end();
  }

  #submit(frame: VideoFrame, keyFrame: boolean): void {
    this.#submitted.set(frame.timestamp, performance.now());
    try {
      this.#encoder.encode(frame, { keyFrame });
    } catch (cause) {
      this.#submitted.delete(frame.timestamp);
      throw new WebError('encoder-failed', `the H.264 encoder refused a frame: ${String(cause)}`, { cause });
    }
    this.#framesIn++;
  }

  #onChunk(chunk: EncodedVideoChunk, metadata: EncodedVideoChunkMetadata | undefined): void {
    const decoderCodec = metadata?.decoderConfig?.codec;
    if (decoderCodec !== undefined) this.#codecString = decoderCodec;
    const data = new Uint8Array(chunk.byteLength);
    chunk.copyTo(data);
    const isKeyframe = chunk.type === 'key';
    const sample: EncodedSample = {
      codec: VideoCodec.H264,
      codecString: this.#codecString,
      data,
      pts: micros(chunk.timestamp),
      isKeyframe,
      index: this.#samplesOut,
    };
    const started = this.#submitted.get(chunk.timestamp);
    if (started !== undefined) {
      this.#submitted.delete(chunk.timestamp);
      this.#lastLatencyMs = performance.now() - started;
    }
    this.#samplesOut++;
    if (isKeyframe) this.#keyframes++;
    this.#bytesOut += data.byteLength;
    this.#queue.push(sample);
  }

  #fail(error: WebError): void {
    if (this.#error !== undefined) return;
    this.#error = error;
    this.#queue.fail(error);
  }
}
