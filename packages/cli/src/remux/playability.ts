import type { RandomAccessKind } from '@camstream/core';
import { CliError } from '../errors.js';
import type { DemuxedSample } from './video-samples.js';

const ACCESS_NAMES: Readonly<Record<RandomAccessKind, string>> = {
  idr: 'IDR',
  cra: 'CRA',
  bla: 'BLA',
  'recovery-point': 'recovery-point SEI',
};

/**
 * Checks frame by frame that Rerun 0.33's VideoStream can play a stream as it is: no B-frames (the
 * viewer has no decode timestamps, rerun-io/rerun#10090) and closed GOPs starting at an IDR (it only
 * starts decoding at IDR pictures). Anything else is refused with the reason and the re-encode command.
 */
export class PlayabilityCheck {
  readonly #input: string;
  #lastPts: bigint | undefined;

  constructor(input: string) {
    this.#input = input;
  }

  /** Throws a `CliError` (`input`) if `sample` makes the stream unplayable without re-encoding. */
  check(sample: DemuxedSample): void {
    const { au, pts } = sample;
    if (au.index === 0 && au.randomAccess !== 'idr') {
      this.#refuse(
        `its first frame is not an IDR picture (${au.randomAccess ? ACCESS_NAMES[au.randomAccess] : au.pictType ? `a ${au.pictType}-frame` : 'a frame that refers to earlier ones'}): ` +
          'the stream starts inside or with an open GOP, and Rerun only starts decoding at IDR pictures',
      );
    }
    if (au.index > 0 && au.randomAccess !== undefined && au.randomAccess !== 'idr') {
      this.#refuse(
        `frame ${au.index} is a ${ACCESS_NAMES[au.randomAccess]} random-access point (open GOP): ` +
          'Rerun only starts decoding at IDR pictures',
      );
    }
    const reordered = this.#lastPts !== undefined && pts < this.#lastPts;
    if (au.hasBFrames || reordered) {
      const what = au.sliceTypes.includes('B')
        ? 'is a B-frame'
        : 'is presented before the frame decoded ahead of it';
      this.#refuse(
        `it has B-frames (frame ${au.index} ${what}): Rerun 0.33's VideoStream has no decode timestamps and cannot play reordered frames`,
      );
    }
    this.#lastPts = pts;
  }

  #refuse(why: string): never {
    throw new CliError(
      'input',
      `cannot remux ${this.#input} without re-encoding: ${why}. Re-encode it instead: camstream capture --input ${this.#input} --save OUT.rrd`,
    );
  }
}
