import { frameByteLength, type RawFrame, renderTestPattern } from '@camstream/core';
import { drawTimeStamp, TIME_STAMP_LAYOUT } from '@camstream/core/media';
import { CliError } from '../../errors.js';
import type { FrameSource } from './frame-source.js';

/** Options of {@link openTestSource}. */
export interface TestSourceOptions {
  readonly width: number;
  readonly height: number;
  readonly fpsNum: number;
  readonly fpsDen: number;
  /** Frames to give; unbounded when undefined. */
  readonly frames: number | undefined;
  /**
   * Render every frame into the same buffer. Only for consumers that copy a frame before asking for the next
   * (the wasm batch encoder does); saves allocating and collecting a frame's worth of memory per frame.
   * Otherwise frames are rendered into the buffers given back by `recycle`, or fresh ones.
   */
  readonly reuseBuffer: boolean;
  /** Turns the pattern's colours by this many degrees of hue (core's `rotateTestPatternHue`). */
  readonly hue?: number;
  /** Gives the source a `stamp` that draws a frame's capture time into it (core's `drawTimeStamp`). */
  readonly stamp?: boolean;
}

/** Buffers kept for reuse, at most: beyond the frames an encoder holds, more would only be memory. */
const MAX_SPARE = 16;

/** The core's moving test pattern (bars, bouncing box, frame counter and clock) as a {@link FrameSource}. */
export function openTestSource(options: TestSourceOptions): FrameSource {
  if (options.stamp === true && options.width < TIME_STAMP_LAYOUT.modules) {
    throw new CliError(
      'usage',
      `--stamp needs a test pattern at least ${TIME_STAMP_LAYOUT.modules} pixels wide (one pixel per module of its band), got ${options.width}x${options.height}`,
    );
  }
  const pattern = {
    width: options.width,
    height: options.height,
    fpsNum: options.fpsNum,
    fpsDen: options.fpsDen,
    ...(options.hue !== undefined && { hue: options.hue }),
  };
  const size = frameByteLength('I420', options.width, options.height);
  let stopped = false;
  // Buffers given back by the encoder, for the next frames: a handful covers the frames in flight.
  const spare: Uint8Array[] = [];
  async function* frames(): AsyncGenerator<RawFrame, void, undefined> {
    const shared = options.reuseBuffer ? new Uint8Array(size) : undefined;
    const end = options.frames ?? Number.POSITIVE_INFINITY;
    for (let i = 0; i < end && !stopped; i++) yield renderTestPattern(pattern, i, shared ?? spare.pop());
  }
  return {
    name: 'testsrc',
    ...pattern,
    pixelFormat: 'I420',
    live: false,
    dropWhenBehind: true,
    totalFrames: options.frames,
    // Drawn when the frame is read for encoding, not when it is rendered: the paced pattern renders a frame
    // before waiting for its time, and the stamp must be the time that becomes the frame's log_time.
    ...(options.stamp === true && {
      stamp: (frame: RawFrame, wallMs: number) => drawTimeStamp(frame, wallMs),
    }),
    frames,
    ...(!options.reuseBuffer && {
      recycle: (frame: RawFrame) => {
        if (spare.length < MAX_SPARE) spare.push(frame.data);
      },
    }),
    close: () => {
      stopped = true;
    },
  };
}
