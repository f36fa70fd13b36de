import { type RawFrame, SourceError, Y4mParser } from '@camstream/core';
import { InvariantError } from '../classify.js';
import { fnv1a, randomPieces } from '../rng.js';
import type { Harness } from '../targets.js';

const text = (s: string) => new TextEncoder().encode(s);

function parseAll(pieces: readonly Uint8Array[]): { frames: RawFrame[]; error: SourceError | undefined } {
  const parser = new Y4mParser('fuzz input');
  const frames: RawFrame[] = [];
  try {
    for (const piece of pieces) frames.push(...parser.push(piece));
    parser.end();
    return { frames, error: undefined };
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    return { frames, error };
  }
}

function frameKey(f: RawFrame): string {
  return `${f.width}x${f.height}/${f.pts}/${fnv1a(f.data)}`;
}

/** Y4mParser on the whole input and on random pieces: the same frames, or the same refusal. */
export function y4mHarness(): Harness {
  return {
    seeds: (corpus) => corpus.y4m,
    hints: {
      tokens: [
        'FRAME\n',
        'FRAME',
        '\n',
        ' ',
        'YUV4MPEG2 ',
        ' W',
        ' H',
        ' F',
        ' C420 ',
        ' C444 ',
        ' W99999 ',
        ' H0',
        ' F0:0',
        ' F1:0',
        ' A1:1',
        ' Ip',
        ' X',
      ].map(text),
      magic: [text('YUV4MPEG2 '), text('YUV4MPEG2 W2 H2\n')],
      maxBytes: 64 * 1024,
    },
    typed: [SourceError],
    run: (input) => {
      const whole = parseAll([input]);
      const pieces = parseAll(randomPieces(input, fnv1a(input)));
      const a = whole.error ? `error ${whole.error.reason}` : whole.frames.map(frameKey).join(' ');
      const b = pieces.error ? `error ${pieces.error.reason}` : pieces.frames.map(frameKey).join(' ');
      if (a !== b)
        throw new InvariantError(`pieces gave [${b.slice(0, 100)}], whole gave [${a.slice(0, 100)}]`);
      if (whole.error) throw whole.error;
    },
  };
}
