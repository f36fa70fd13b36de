import { drawTimeStamp, renderTestPattern } from '@camstream/core/media';

/** Pattern frames kept: one second of the moving pattern at 30 fps, replayed in a loop. */
const LOOP_FRAMES = 30;

/**
 * camstream's moving test pattern (core's `renderTestPattern`, I420) with a capture time stamped across the
 * top (core's `drawTimeStamp`). The pattern is rendered once for a one-second loop, so that making a frame
 * while measuring costs one copy and the stamp.
 */
export class StampedFrames {
  readonly width: number;
  readonly height: number;
  readonly #loop: Uint8Array[];

  constructor(width: number, height: number, fps: number) {
    this.width = width;
    this.height = height;
    this.#loop = Array.from(
      { length: LOOP_FRAMES },
      (_, i) => renderTestPattern({ width, height, fpsNum: fps }, i).data,
    );
  }

  /** Bytes of one I420 frame. */
  get frameBytes(): number {
    return this.#loop[0]!.byteLength;
  }

  /** Frame `index` stamped with `ms` (wall-clock milliseconds), written into `out` (a fresh copy by default). */
  frame(index: number, ms: number, out = new Uint8Array(this.frameBytes)): Uint8Array {
    out.set(this.#loop[index % LOOP_FRAMES]!);
    drawTimeStamp({ data: out, width: this.width, height: this.height, format: 'I420' }, ms);
    return out;
  }
}
