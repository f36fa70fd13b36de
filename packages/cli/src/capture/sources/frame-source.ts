import type { PixelFormat, RawFrame } from '@camstream/core';

/** A regular file of raw frames that the system ffmpeg can read itself (see {@link FrameSource.file}). */
export interface SourceFile {
  readonly path: string;
  /** `y4m`: I420 frames after a YUV4MPEG2 header; `raw`: frames back to back at the source's size and format. */
  readonly container: 'y4m' | 'raw';
  /**
   * Its whole frames, counted without reading their pixels; `undefined` when only a full read can tell (a Y4M
   * frame line with parameters, a truncated last frame): its frames then go through camstream as usual.
   */
  wholeFrames(): number | undefined;
}

/**
 * Where `capture` gets its pictures: the test pattern, a file, Y4M on stdin or a V4L2 device. Opening a
 * source reads enough to know its size and rate, so the encoder can be opened before the first frame.
 */
export interface FrameSource {
  /** Names the input in messages: `testsrc`, a path, `stdin`, `/dev/video0`. */
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly fpsNum: number;
  readonly fpsDen: number;
  readonly pixelFormat: PixelFormat;
  /** Frames arrive from outside as they are made (stdin, camera): encode them one by one as they come. */
  readonly live: boolean;
  /**
   * A camera: when the encoder falls behind, drop the oldest waiting frame (latency stays bounded). Otherwise
   * (stdin, which may be a file piped through ffmpeg) wait, and let the pipe push back on the producer.
   */
  readonly dropWhenBehind: boolean;
  /** Frames the source will give when known in advance (for the progress bar and its ETA). */
  readonly totalFrames: number | undefined;
  /**
   * Draws `wallMs`, the frame's capture time (`Date.now()`), into a frame this source gave, in place: the test
   * pattern's `stamp`. Called once per frame when the frame is read for encoding, with the reading that
   * becomes its `log_time`, and before the encoder sees the frame. Absent for sources that draw nothing.
   */
  readonly stamp?: (frame: RawFrame, wallMs: number) => void;
  /**
   * Set for a file the system ffmpeg can read itself: a batch encode with it then leaves the pixels out of this
   * process (`frames()` is not read), which saves two copies of every frame.
   */
  readonly file?: SourceFile;
  /**
   * Gives back a frame's buffer once nothing reads it any more (the system ffmpeg's pipe has taken it, or it
   * was dropped): the source may then fill it with a later frame. Sources that fill a fresh buffer per frame
   * need none. Never called for frames that went elsewhere (the wasm encoder moves them to its worker).
   */
  readonly recycle?: (frame: RawFrame) => void;
  /** The frames, in order. Iterate once. */
  frames(): AsyncIterable<RawFrame>;
  /** Stops producing (kills a child process, destroys a stream); a pending read may end or fail. */
  close(): void;
}
