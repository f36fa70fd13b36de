import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { concatBytes } from '@camstream/test-helpers/bytes';
import { tempDir } from '@camstream/test-helpers/temp-dir';
import { describe, expect, it } from 'vitest';
import { countY4mFrames } from './y4m-file-frames.js';

const dir = tempDir('camstream-y4m-frames-');

const text = (s: string) => new TextEncoder().encode(s);
const pixels = new Uint8Array(4 * 2 * 1.5);

/** Writes `parts` to a file and counts its frames as a 4x2 Y4M. */
function count(...parts: Uint8Array[]): number | undefined {
  const path = join(dir, 'clip.y4m');
  const bytes = concatBytes(parts);
  writeFileSync(path, bytes);
  return countY4mFrames(path, bytes.length, 4, 2);
}

describe('countY4mFrames', () => {
  const header = text('YUV4MPEG2 W4 H2 F30:1 C420jpeg\n');
  const frame = concatBytes([text('FRAME\n'), pixels]);

  it('counts whole frames with plain FRAME lines', () => {
    expect(count(header, frame, frame, frame)).toBe(3);
    expect(count(header)).toBe(0);
  });

  it('leaves to a full read a truncated last frame, a FRAME line with parameters, or garbage', () => {
    expect(count(header, frame, frame.subarray(0, 10))).toBeUndefined();
    expect(count(header, frame, text('FRAME Ip\n'), pixels)).toBeUndefined();
    expect(count(header, frame, text('FRAMX\n'), pixels)).toBeUndefined();
    expect(count(text('YUV4MPEG2 W4 H2 F30:1'))).toBeUndefined();
    expect(countY4mFrames(join(dir, 'missing.y4m'), 100, 4, 2)).toBeUndefined();
  });
});
