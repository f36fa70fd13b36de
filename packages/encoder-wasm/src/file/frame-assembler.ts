import { frameByteLength, frameTime } from '@camstream/core/media';
import { EncoderError } from '../errors.js';
import { type ShowinfoFrame, type TimeBase, ticksToNanos } from './ffmpeg-log.js';

/** A decoded I420 picture with its timestamp. */
export interface AssembledFrame {
  readonly data: Uint8Array;
  readonly pts: bigint;
  readonly width: number;
  readonly height: number;
}

/** How {@link FrameAssembler} sizes and times frames. */
export interface AssemblerOptions {
  /** The output size when frames are scaled after `showinfo` (else each frame has the size logged for it). */
  readonly scale: { readonly width: number; readonly height: number } | undefined;
  /** Inputs without timestamps: frame `i` gets `frameTime(i, num, den)` instead of the time ffmpeg logged. */
  readonly constantRate: { readonly num: number; readonly den: number } | undefined;
}

/**
 * Pairs the raw bytes ffmpeg writes (I420, frame after frame, in arbitrary chunks) with the `showinfo` lines it
 * logs (one per frame, always before that frame's bytes: the filter sees a frame before the muxer writes it).
 * Each frame is copied once, from the chunk into a buffer of its own that the consumer may keep.
 */
export class FrameAssembler {
  private readonly options: AssemblerOptions;
  private readonly emit: (frame: AssembledFrame) => void;
  private timeBase: TimeBase | undefined;
  private readonly pending: ShowinfoFrame[] = [];
  private current: { info: ShowinfoFrame; data: Uint8Array; filled: number } | undefined;
  private emitted = 0;

  constructor(options: AssemblerOptions, emit: (frame: AssembledFrame) => void) {
    this.options = options;
    this.emit = emit;
  }

  /** Frames emitted so far. */
  get frames(): number {
    return this.emitted;
  }

  /** Whether bytes or logged frames are left unpaired (to check once ffmpeg has exited). */
  get incomplete(): boolean {
    return this.current !== undefined || this.pending.length > 0;
  }

  /** The filter's time base (`showinfo`'s `config in time_base` line). */
  setTimeBase(timeBase: TimeBase): void {
    this.timeBase = timeBase;
  }

  /** A `showinfo` frame line. */
  frameLogged(frame: ShowinfoFrame): void {
    this.pending.push(frame);
  }

  /** Bytes ffmpeg wrote (a view that is only valid during the call: it is copied). */
  write(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length) {
      const current = this.current ?? this.startFrame();
      const n = Math.min(bytes.length - at, current.data.length - current.filled);
      current.data.set(bytes.subarray(at, at + n), current.filled);
      current.filled += n;
      at += n;
      if (current.filled === current.data.length) this.finishFrame(current.info, current.data);
    }
  }

  private startFrame(): { info: ShowinfoFrame; data: Uint8Array; filled: number } {
    const info = this.pending.shift();
    if (info === undefined)
      throw new EncoderError(
        'encoder-failed',
        `ffmpeg wrote frame ${this.emitted} before logging it (showinfo)`,
      );
    const { width, height } = this.options.scale ?? info;
    this.current = { info, data: new Uint8Array(frameByteLength('I420', width, height)), filled: 0 };
    return this.current;
  }

  private finishFrame(info: ShowinfoFrame, data: Uint8Array): void {
    this.current = undefined;
    const { width, height } = this.options.scale ?? info;
    const pts = this.ptsOf(info);
    this.emitted++;
    this.emit({ data, pts, width, height });
  }

  private ptsOf(info: ShowinfoFrame): bigint {
    const rate = this.options.constantRate;
    if (rate !== undefined) return frameTime(this.emitted, rate.num, rate.den);
    if (this.timeBase === undefined)
      throw new EncoderError(
        'encoder-failed',
        'ffmpeg logged frames before its time base (showinfo config line)',
      );
    if (info.pts === undefined)
      throw new EncoderError('corrupt-input', `frame ${info.n} of the input has no timestamp`);
    return ticksToNanos(info.pts, this.timeBase);
  }
}
