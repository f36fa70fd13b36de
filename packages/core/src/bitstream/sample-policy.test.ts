import { describe, expect, it } from 'vitest';
import { SamplePolicy } from './sample-policy.js';

const strict = new SamplePolicy({ maxAccessUnitBytes: 100, bFramesAllowed: false, openGopAllowed: false });
const lenient = new SamplePolicy({ maxAccessUnitBytes: 100, bFramesAllowed: true, openGopAllowed: true });

describe('SamplePolicy', () => {
  it('refuses access units larger than maxAccessUnitBytes', () => {
    expect(() => strict.checkSize(100)).not.toThrow();
    expect(() => strict.checkSize(101)).toThrow(
      expect.objectContaining({
        code: 'bitstream-access-unit-too-large',
        message: expect.stringContaining('100 bytes'),
      }),
    );
  });

  it('refuses B-frames and reordered pictures unless allowed, saying how to re-encode', () => {
    expect(() => strict.checkPicture(3, true, false, undefined)).toThrow(/access unit 3 is a B-frame.*-bf 0/);
    expect(() => strict.checkPicture(4, false, true, undefined)).toThrow(
      expect.objectContaining({ code: 'bitstream-b-frames', message: expect.stringContaining('reordered') }),
    );
    expect(() => strict.checkPicture(5, false, false, undefined)).not.toThrow();
    expect(() => lenient.checkPicture(3, true, true, undefined)).not.toThrow();
  });

  it('refuses non-IDR random-access points after the first picture unless allowed', () => {
    for (const kind of ['cra', 'bla', 'recovery-point'] as const) {
      expect(() => strict.checkPicture(1, false, false, kind)).toThrow(
        expect.objectContaining({ code: 'bitstream-open-gop', message: expect.stringContaining(kind) }),
      );
      expect(() => strict.checkPicture(0, false, false, kind)).not.toThrow();
      expect(() => lenient.checkPicture(1, false, false, kind)).not.toThrow();
    }
    expect(() => strict.checkPicture(1, false, false, 'idr')).not.toThrow();
  });
});
