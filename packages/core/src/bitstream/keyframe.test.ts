import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { AccessUnitSplitter } from './access-unit-splitter.js';
import { isKeyframeSample } from './keyframe.js';

function encode(codec: 'libx264' | 'libx265'): Uint8Array {
  const args = ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10', '-frames:v', '25'];
  const params =
    codec === 'libx264'
      ? ['-bf', '0', '-g', '10']
      : ['-x265-params', 'keyint=10:min-keyint=10:bframes=0:open-gop=0:log-level=error'];
  return new Uint8Array(
    execFileSync('ffmpeg', [
      ...args,
      '-c:v',
      codec,
      ...params,
      '-f',
      codec === 'libx264' ? 'h264' : 'hevc',
      '-',
    ]),
  );
}

describe('isKeyframeSample', () => {
  for (const [ffCodec, codec] of [
    ['libx264', 'h264'],
    ['libx265', 'h265'],
  ] as const) {
    it(`agrees with the splitter on ${codec} from Debian ffmpeg`, () => {
      const splitter = new AccessUnitSplitter({ codec });
      const units = [...splitter.push(encode(ffCodec)), ...splitter.end()];
      expect(units.length).toBe(25);
      expect(units.map((u) => isKeyframeSample(u.data, codec))).toEqual(units.map((u) => u.isKeyframe));
      expect(units.filter((u) => u.isKeyframe).map((u) => u.index)).toEqual([0, 10, 20]);
    });
  }

  it('needs the SPS in the same sample', () => {
    expect(isKeyframeSample(Uint8Array.of(0, 0, 1, 0x65, 0x88), 'h264')).toBe(false);
    expect(
      isKeyframeSample(
        Uint8Array.of(0, 0, 0, 1, 0x67, 0x42, 0, 0, 1, 0x68, 0xce, 0, 0, 1, 0x65, 0x88),
        'h264',
      ),
    ).toBe(true);
    expect(isKeyframeSample(Uint8Array.of(0, 0, 1, 0x67, 0x42, 0, 0, 1, 0x41, 0x9a), 'h264')).toBe(false);
    expect(isKeyframeSample(new Uint8Array(0), 'h264')).toBe(false);
  });
});
