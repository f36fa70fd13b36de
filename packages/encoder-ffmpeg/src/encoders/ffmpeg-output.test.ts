import { describe, expect, it } from 'vitest';
import { failureReason, parseEncoderList, parseFfmpegVersion } from './ffmpeg-output.js';

describe('parseEncoderList', () => {
  it('returns the video encoders after the legend, each with the codec it writes', () => {
    const text = [
      'Encoders:',
      ' V..... = Video',
      ' A..... = Audio',
      ' ------',
      ' V....D a64multi             Multicolor charset for Commodore 64 (codec a64_multi)',
      ' V....D libx264              libx264 H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (codec h264)',
      ' V..... h264_qsv             H.264 / AVC / MPEG-4 AVC (Intel Quick Sync Video acceleration) (codec h264)',
      ' V.S... mpeg4                MPEG-4 part 2',
      ' A....D aac                  AAC (Advanced Audio Coding)',
      '',
    ].join('\n');
    expect([...parseEncoderList(text)]).toEqual([
      ['a64multi', 'a64_multi'],
      ['libx264', 'h264'],
      ['h264_qsv', 'h264'],
      ['mpeg4', 'mpeg4'],
    ]);
  });
});

describe('parseFfmpegVersion', () => {
  it('reads the version from the banner', () => {
    expect(
      parseFfmpegVersion('ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026 the FFmpeg developers\n'),
    ).toBe('5.1.9-0+deb12u1');
    expect(parseFfmpegVersion('no banner')).toBeUndefined();
  });
});

describe('failureReason', () => {
  it('takes the first tagged line, without its tags', () => {
    const stderr = [
      '[h264_nvenc @ 0x5559b58ae480] Cannot load libcuda.so.1',
      'Error initializing output stream 0:0 -- Error while opening encoder for output stream #0:0',
      '',
    ].join('\n');
    expect(failureReason(stderr)).toBe('Cannot load libcuda.so.1');
    expect(
      failureReason(`[h264_qsv encoder @ 0x55c3] [Eval @ 0x7ffc] Undefined constant or missing '(' in 'x'\n`),
    ).toBe("Undefined constant or missing '(' in 'x'");
  });

  it('falls back to the first line, and to nothing for an empty log', () => {
    expect(failureReason('\nError initializing output stream 0:0\nConversion failed!\n')).toBe(
      'Error initializing output stream 0:0',
    );
    expect(failureReason(' \n')).toBeUndefined();
  });
});
