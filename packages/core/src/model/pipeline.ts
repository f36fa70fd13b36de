import type { BatchingPolicy } from '../recording/batching.js';
import type { StoreId } from '../rerun/store.js';
import type { VideoCodec } from './codec.js';

/** Pixel layouts a {@link RawFrame} may hold; planes packed one after another without row padding. */
export type PixelFormat = 'I420' | 'NV12' | 'RGBA';

/** One uncompressed picture from a source (camera, file, test pattern, Y4M). */
export interface RawFrame {
  readonly format: PixelFormat;
  readonly width: number;
  readonly height: number;
  /** Pixels, {@link frameByteLength} bytes. */
  readonly data: Uint8Array;
  /** Presentation time, ns (decision 0001). */
  readonly pts: bigint;
  /** Index of the frame in its source, from 0. */
  readonly index: number;
}

/** Bytes of one frame of `format` at `width`×`height` (4:2:0 chroma rounds up for odd sizes). */
export function frameByteLength(format: PixelFormat, width: number, height: number): number {
  if (format === 'RGBA') return width * height * 4;
  const chroma = ((width + 1) >> 1) * ((height + 1) >> 1);
  return width * height + 2 * chroma;
}

/**
 * One encoded access unit (exactly one frame): what Rerun calls a video sample. Annex B for H.264/H.265, with
 * the parameter sets inside every keyframe sample.
 */
export interface EncodedSample {
  readonly codec: VideoCodec;
  /** WebCodecs codec string, e.g. `avc1.42C01E`. */
  readonly codecString: string;
  readonly data: Uint8Array;
  /** Presentation time, ns; equal to decode time (no B-frames). */
  readonly pts: bigint;
  readonly isKeyframe: boolean;
  /** Decode-order index from 0. */
  readonly index: number;
}

/** Anything that turns {@link RawFrame}s into {@link EncodedSample}s (ffmpeg.wasm, WebCodecs, …). */
export interface Encoder {
  readonly codec: VideoCodec;
  /** Queues a frame; may apply back-pressure by returning a promise. */
  encode(frame: RawFrame): void | Promise<void>;
  /** Asks for the next frame to be a keyframe (a late joiner needs one). */
  requestKeyframe(): void;
  /** Flushes the last frames and ends {@link Encoder.samples}. */
  close(): Promise<void>;
  /** The encoded samples, in order. */
  samples(): AsyncIterable<EncodedSample>;
}

/** The inclusive range of times a message covers on one timeline. */
export interface TimeRange {
  readonly min: bigint;
  readonly max: bigint;
}

/** What kind of RRD message an {@link EncodedMessage} holds. */
export type EncodedMessageKind = 'set_store_info' | 'arrow_msg' | 'blueprint_activation_command';

/**
 * One RRD message (16-byte MessageHeader + protobuf payload) with the metadata sinks batch and route by.
 */
export interface EncodedMessage {
  readonly kind: EncodedMessageKind;
  readonly storeId: StoreId;
  /** Entity of an ArrowMsg's chunk. */
  readonly entityPath: string | undefined;
  readonly isStatic: boolean;
  /** Per timeline, the times the chunk covers (empty for static and non-chunk messages). */
  readonly timeRanges: ReadonlyMap<string, TimeRange>;
  /** Whether the chunk holds a video keyframe sample (a GOP starts here). */
  readonly hasKeyframe: boolean;
  readonly numRows: number;
  /** MessageHeader + payload. */
  readonly bytes: Uint8Array;
  /** The protobuf payload alone (what gRPC carries inside a LogMsg). */
  readonly payload: Uint8Array;
  /**
   * This message as a complete one-message RRD stream (StreamHeader + message). Zero-copy: the header lives
   * in space reserved in front of `bytes`.
   */
  asStream(): Uint8Array;
}

/**
 * Where a RecordingStream's messages go: a file, a viewer, a server, memory. A sink chooses its own byte
 * batching; it adds the RRD StreamHeader where its medium needs one.
 *
 * **Failure (decision 0014).** A sink reports that it cannot go on by throwing from `write`, `flush` or `close`
 * (or rejecting their promise). A sink that fails in the background (a timer, a socket callback) keeps the
 * error and throws it from its next call, so it surfaces within one message; nothing a sink does may throw
 * from a timer or an event handler. `RecordingStream` then takes that sink out alone and the others go on.
 */
export interface Sink {
  /**
   * How this sink's chunks are batched when `RecordingStream.addSink` is not told (decision 0010): before the
   * stream's default. E.g. `publishSink`'s 100 ms micro-batches, which keep a remote viewer live.
   */
  readonly batching?: BatchingPolicy;
  /** Takes one message. Called on the logging path: it must not block for long. */
  write(message: EncodedMessage): void;
  /** Hands on what is held (a file's staged bytes, a socket's buffer). */
  flush(): void | Promise<void>;
  /** Flushes and releases the sink; it receives nothing afterwards. */
  close(): void | Promise<void>;
}
