import type { EmFS } from './core-types.js';

/** What an input device hands ffmpeg next: a frame, or the end of one ffmpeg run. */
export type InputMessage = { readonly frame: Uint8Array } | { readonly end: 'close' | 'restart' };

/** Major device number; one Emscripten leaves free. */
const MAJOR = 64;

/**
 * A blocking character device ffmpeg reads raw frames from, on any platform. `read` hands out the current frame;
 * when it is used up it calls `onFrameConsumed` (the previous frame's packet is complete by then: with no
 * B-frames and `tune=zerolatency`, x264 emits one packet per frame before the next read) and takes the next
 * frame from `next`, which may block (Atomics.wait) until one comes. `FS.registerDevice`, not
 * `FS.createDevice`, which would call JS once per byte.
 */
export class FrameInputDevice {
  private readonly next: () => InputMessage;
  private readonly onFrameConsumed: (consumed: number) => void;
  private readonly release: ((frame: Uint8Array) => void) | undefined;
  private frame: Uint8Array | undefined;
  private pos = 0;
  private consumed = 0;
  private ended: 'close' | 'restart' | undefined;

  /** `release` gets each frame once ffmpeg has read all of it (the device keeps no reference). */
  constructor(
    next: () => InputMessage,
    onFrameConsumed: (consumed: number) => void,
    release?: (frame: Uint8Array) => void,
  ) {
    this.next = next;
    this.onFrameConsumed = onFrameConsumed;
    this.release = release;
  }

  /** How the last run's input ended (undefined while frames still come). */
  get endedBy(): 'close' | 'restart' | undefined {
    return this.ended;
  }

  /** Frames read completely so far (all runs). */
  get framesConsumed(): number {
    return this.consumed;
  }

  /** Ready for the next ffmpeg run (after a `restart`). */
  rearm(): void {
    this.ended = undefined;
  }

  /** Creates the device node at `path`. */
  mount(fs: EmFS, path: string, minor: number): void {
    const dev = fs.makedev(MAJOR, minor);
    fs.registerDevice(dev, { read: (_s, buffer, offset, length) => this.read(buffer, offset, length) });
    fs.mkdev(path, dev);
  }

  private read(buffer: Int8Array, offset: number, length: number): number {
    if (this.ended) return 0;
    if (!this.frame || this.pos >= this.frame.length) {
      if (this.frame) {
        this.release?.(this.frame);
        this.frame = undefined;
        this.consumed++;
        this.onFrameConsumed(this.consumed);
      }
      const message = this.next();
      if ('end' in message) {
        this.ended = message.end;
        return 0;
      }
      this.frame = message.frame;
      this.pos = 0;
    }
    const frame = this.frame;
    const n = Math.min(length, frame.length - this.pos);
    buffer.set(new Int8Array(frame.buffer, frame.byteOffset + this.pos, n), offset);
    this.pos += n;
    return n;
  }
}

/** A character device whose writes go straight to `sink` (copied out of the wasm heap). */
export function mountOutputDevice(
  fs: EmFS,
  path: string,
  minor: number,
  sink: (bytes: Uint8Array) => void,
): void {
  const dev = fs.makedev(MAJOR, minor);
  fs.registerDevice(dev, {
    write: (_s, buffer, offset, length) => {
      sink(new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length).slice());
      return length;
    },
  });
  fs.mkdev(path, dev);
}
