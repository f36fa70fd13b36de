import { describe, expect, it } from 'vitest';
import { parseEncoderArgs } from './encoder-args.js';

describe('parseEncoderArgs', () => {
  it('splits on blanks and groups quoted words as a shell does', () => {
    expect(parseEncoderArgs('-rc vbr  -cq 23')).toEqual(['-rc', 'vbr', '-cq', '23']);
    expect(parseEncoderArgs(`-x264-params "keyint=60:scenecut=0" -metadata 'title=a b'`)).toEqual([
      '-x264-params',
      'keyint=60:scenecut=0',
      '-metadata',
      'title=a b',
    ]);
    expect(parseEncoderArgs('a\\ b "c\\"d" \'\' e')).toEqual(['a b', 'c"d', '', 'e']);
  });

  it('refuses an unclosed quote and an empty list with a usage error', () => {
    expect(() => parseEncoderArgs('-vf "scale=1:1')).toThrow(expect.objectContaining({ code: 'usage' }));
    expect(() => parseEncoderArgs('   ')).toThrow(expect.objectContaining({ code: 'usage' }));
  });
});
