import { BitstreamError } from './bitstream-error.js';
import type { RandomAccessKind } from './nal.js';

/** What the splitter refuses, from {@link AccessUnitSplitterOptions}. */
export interface SamplePolicyOptions {
  /** Largest access unit, in bytes, held or emitted. */
  readonly maxAccessUnitBytes: number;
  /** Keep going at reordered pictures (B-frames) instead of throwing `bitstream-b-frames`. */
  readonly bFramesAllowed: boolean;
  /** Keep going at non-IDR random-access points instead of throwing `bitstream-open-gop`. */
  readonly openGopAllowed: boolean;
}

/**
 * What a sample may be: Rerun 0.33 plays neither B-frames nor open GOPs, and an access unit that grows
 * without end is not an Annex B stream. Each check throws a `BitstreamError` that says how to fix it.
 */
export class SamplePolicy {
  private readonly maxBytes: number;
  private readonly bFramesAllowed: boolean;
  private readonly openGopAllowed: boolean;

  constructor(options: SamplePolicyOptions) {
    this.maxBytes = options.maxAccessUnitBytes;
    this.bFramesAllowed = options.bFramesAllowed;
    this.openGopAllowed = options.openGopAllowed;
  }

  /** Throws `bitstream-access-unit-too-large` if an access unit of `bytes` is too large. */
  checkSize(bytes: number): void {
    if (bytes > this.maxBytes) throw tooLargeError(this.maxBytes);
  }

  /**
   * Throws `bitstream-b-frames` for a picture with B slices (`hasB`) or a POC lower than the previous
   * picture's (`reordered`), and `bitstream-open-gop` for a non-IDR random-access point after the first
   * picture, unless allowed.
   */
  checkPicture(
    index: number,
    hasB: boolean,
    reordered: boolean,
    randomAccess: RandomAccessKind | undefined,
  ): void {
    if ((hasB || reordered) && !this.bFramesAllowed) throw bFramesError(index, hasB);
    if (!this.openGopAllowed && randomAccess !== undefined && randomAccess !== 'idr' && index > 0) {
      throw openGopError(index, randomAccess);
    }
  }
}

// The errors are built out of line: the checks run for every access unit and stay small enough for the JIT
// to inline them into the splitter's hot path.

function tooLargeError(max: number): BitstreamError {
  return new BitstreamError(
    'bitstream-access-unit-too-large',
    `an access unit grew past maxAccessUnitBytes (${max} bytes); is this an Annex B H.264/H.265 stream?`,
  );
}

function bFramesError(index: number, hasB: boolean): BitstreamError {
  return new BitstreamError(
    'bitstream-b-frames',
    `access unit ${index} is ${hasB ? 'a B-frame' : 'reordered (its POC is lower than the previous picture’s)'}: ` +
      "Rerun 0.33's VideoStream has no decode timestamps and cannot play B-frames (rerun-io/rerun#10090). " +
      'Re-encode without them, e.g. ffmpeg -c:v libx264 -bf 0 (x264: bframes=0, x265: bframes=0), ' +
      "or pass { bFrames: 'allow' } to keep going.",
  );
}

function openGopError(index: number, randomAccess: RandomAccessKind): BitstreamError {
  return new BitstreamError(
    'bitstream-open-gop',
    `access unit ${index} is a ${randomAccess} random-access point (open GOP): Rerun 0.33 only starts decoding at IDR pictures. ` +
      'Re-encode with closed GOPs, e.g. -x265-params open-gop=0 (x264: open-gop=0, the default).',
  );
}
