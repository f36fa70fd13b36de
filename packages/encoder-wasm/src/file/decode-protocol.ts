import type { CoreAssets } from '../ffmpeg/wasm-module.js';
import type { FileInfo } from './decode-options.js';

/** `workerData` of the decode worker. */
export interface DecodeWorkerData {
  readonly assets: CoreAssets;
  /** ffmpeg arguments reading `DECODE_INPUT_DIR/<inputName>` and writing `DECODE_OUTPUT`. */
  readonly args: readonly string[];
  /** The input, opened read-only by the main thread (descriptors are process-wide) and its size in bytes. */
  readonly fd: number;
  readonly fileSize: number;
  /** File name inside the mount (keeps the extension: ffmpeg's probe weighs it). */
  readonly inputName: string;
  /** Output size when scaling (else each frame has the size ffmpeg logs for it). */
  readonly scale: { readonly width: number; readonly height: number } | undefined;
  /** Inputs without timestamps: their frame rate (frames get index × frame duration). */
  readonly constantRate: { readonly num: number; readonly den: number } | undefined;
  /** Int32Array over it: [CONTROL_CONSUMED, CONTROL_ABORT]. */
  readonly control: SharedArrayBuffer;
  /** Frames posted and not yet taken by the consumer before the worker waits. */
  readonly maxFramesAhead: number;
  /** For raw inputs: frames the file holds (exact). */
  readonly rawFrames: number | undefined;
}

/** Index in the control block: frames the consumer has taken (the main thread bumps it and notifies). */
export const CONTROL_CONSUMED = 0;
/** Index in the control block: set to 1 to make a waiting worker give up. */
export const CONTROL_ABORT = 1;
/** Bytes of the control block. */
export const CONTROL_BYTES = 8;

/** Where the input is mounted (WORKERFS) and where the frames go (a character device). */
export const DECODE_INPUT_DIR = '/camstream-input';
export const DECODE_OUTPUT = '/dev/camstream-frames';

/** Messages the decode worker posts. */
export type DecodeWorkerMessage =
  | { readonly type: 'info'; readonly info: FileInfo }
  /** One I420 frame; `data`'s buffer is transferred. */
  | {
      readonly type: 'frame';
      readonly data: Uint8Array;
      readonly pts: bigint;
      readonly width: number;
      readonly height: number;
    }
  /** The worker holds `ahead` frames the consumer has not taken and sleeps until it takes one (back-pressure). */
  | { readonly type: 'blocked'; readonly ahead: number }
  /** ffmpeg has exited. `damage`: what it logged as errors while reading (a damaged input). */
  | {
      readonly type: 'end';
      readonly exitCode: number;
      readonly logTail: readonly string[];
      readonly damage: readonly string[];
      readonly frames: number;
    }
  /** The worker itself failed (not ffmpeg): a code of `EncoderErrorCode` and a message. */
  | { readonly type: 'failed'; readonly code: string; readonly message: string };
