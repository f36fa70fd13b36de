import { frameTime, RecordingStream, VideoCodec, VideoStream } from '@camstream/core';
import { CanvasTestPattern, type RrdChannel, viewerSink, WebCodecsH264Encoder } from '@camstream/web';
import { RateMeter, type StreamStats } from './stats.js';

/** Application id every demo recording shares (groups them in the viewer). */
export const APPLICATION_ID = 'camstream_demo';
/** Entity the video is logged on, as in Rerun's camera_video_stream example. */
export const ENTITY = 'video_stream';

/** Options of {@link PatternSession.start}. */
export interface PatternSessionOptions {
  readonly channel: RrdChannel;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** Called once if encoding or logging fails while running; the session has stopped producing frames. */
  readonly onError: (error: unknown) => void;
}

/** Frames queued inside the encoder above which new source frames are dropped (live: never queue up). */
const MAX_ENCODER_QUEUE = 2;

/**
 * One streaming session: the canvas test pattern, paced at `fps`, encoded with WebCodecs and logged as a
 * VideoStream into a new recording (new recording id, time from 0).
 */
export class PatternSession {
  /** The recording's id. */
  readonly recordingId: string;
  /** Encoder settings the browser accepted (codec string, size, bitrate). */
  readonly codec: string;
  readonly #rec: RecordingStream;
  readonly #encoder: WebCodecsH264Encoder;
  readonly #pattern: CanvasTestPattern;
  readonly #meter = new RateMeter();
  readonly #fps: number;
  readonly #onError: (error: unknown) => void;
  readonly #pump: Promise<void>;
  #startedAt = 0;
  #lastSlot = -1;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = true;
  #failed = false;
  #stopping: Promise<void> | undefined;

  /** Opens the encoder and the recording, logs the codec, and starts producing frames. */
  static async start(options: PatternSessionOptions): Promise<PatternSession> {
    const encoder = await WebCodecsH264Encoder.create({
      width: options.width,
      height: options.height,
      framerate: options.fps,
      keyframeInterval: options.fps * 2,
    });
    return new PatternSession(options, encoder);
  }

  private constructor(options: PatternSessionOptions, encoder: WebCodecsH264Encoder) {
    this.#encoder = encoder;
    this.#fps = options.fps;
    this.#onError = options.onError;
    this.codec = encoder.config.codec;
    this.#pattern = new CanvasTestPattern({ width: options.width, height: options.height });
    this.#rec = new RecordingStream({ applicationId: APPLICATION_ID, sinks: [viewerSink(options.channel)] });
    this.recordingId = this.#rec.storeId.recordingId;
    this.#rec.log(ENTITY, new VideoStream({ codec: VideoCodec.H264 }), { static: true });
    this.#pump = this.#logSamples();
    this.#startedAt = performance.now();
    this.#tick();
  }

  /** Numbers for the stats line. */
  stats(): StreamStats {
    return this.#meter.read();
  }

  /** Stops the frame clock, encodes what is queued, then closes the encoder and the recording. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#running = false;
      clearTimeout(this.#timer);
      await this.#encoder.close();
      await this.#pump;
      await this.#rec.close();
    })();
    return this.#stopping;
  }

  /** Draws and encodes the frame for the current time slot, then waits for the next slot. */
  #tick(): void {
    if (!this.#running) return;
    const frameMs = 1000 / this.#fps;
    const slot = Math.floor((performance.now() - this.#startedAt) / frameMs);
    if (slot > this.#lastSlot) {
      // Slots we slept through (a busy main thread) are frames the source never made.
      if (slot > this.#lastSlot + 1) this.#meter.drop(slot - this.#lastSlot - 1);
      this.#lastSlot = slot;
      if (this.#encoder.encodeQueueSize >= MAX_ENCODER_QUEUE) {
        this.#meter.drop();
      } else {
        this.#encodeSlot(slot);
      }
    }
    const next = this.#startedAt + (this.#lastSlot + 1) * frameMs;
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, next - performance.now()));
  }

  #encodeSlot(slot: number): void {
    const frame = this.#pattern.videoFrame(slot, frameTime(slot, this.#fps));
    try {
      this.#encoder.encode(frame);
    } catch (error) {
      this.#fail(error);
    } finally {
      frame.close();
    }
  }

  /** Logs every encoded sample on the `time` timeline at its presentation time. */
  async #logSamples(): Promise<void> {
    try {
      for await (const sample of this.#encoder.samples()) {
        this.#rec.setTime('time', { duration: sample.pts });
        this.#rec.log(ENTITY, VideoStream.fromFields({ sample: sample.data }));
        this.#meter.sample(sample.data.byteLength, this.#encoder.stats.lastLatencyMs);
      }
    } catch (error) {
      this.#fail(error);
    }
  }

  #fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#running = false;
    clearTimeout(this.#timer);
    this.#onError(error);
  }
}
