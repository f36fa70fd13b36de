import type { EncoderProbeReport } from '@camstream/encoder-ffmpeg';
import { describe, expect, it } from 'vitest';
import { formatEncoders } from './format-text.js';
import { encodersReport } from './report.js';

const ffmpeg = { path: 'ffmpeg', version: '5.1.9' };
const x264 = { name: 'libx264', codec: 'h264', family: 'software', hardware: false } as const;
const nvenc = { name: 'h264_nvenc', codec: 'h264', family: 'nvenc', hardware: true } as const;

describe('encodersReport', () => {
  it('picks the system ffmpeg for auto when its libx264 works', () => {
    const probe: EncoderProbeReport = {
      ffmpeg,
      encoders: [
        { ...x264, ok: true },
        { ...nvenc, ok: false, reason: 'Cannot load libcuda.so.1' },
      ],
    };
    expect(encodersReport(probe)).toEqual({
      ffmpeg,
      ffmpegError: null,
      encoders: [
        { ...x264, works: true, reason: null },
        { ...nvenc, works: false, reason: 'Cannot load libcuda.so.1' },
      ],
      wasm: { works: true, encoders: ['libx264'] },
      auto: { encoder: 'ffmpeg', reason: null },
    });
  });

  it('falls back to wasm, saying why: no ffmpeg, no libx264, a failing libx264', () => {
    const auto = (probe: EncoderProbeReport) => encodersReport(probe).auto;
    expect(auto({ ffmpeg: undefined, reason: 'ffmpeg not found ("ffmpeg")', encoders: [] })).toEqual({
      encoder: 'wasm',
      reason: 'no system ffmpeg: ffmpeg not found ("ffmpeg")',
    });
    expect(auto({ ffmpeg, encoders: [{ ...nvenc, ok: true }] })).toEqual({
      encoder: 'wasm',
      reason: "the system ffmpeg's libx264 does not work: not in this ffmpeg build",
    });
    expect(auto({ ffmpeg, encoders: [{ ...x264, ok: false, reason: 'broken' }] })).toEqual({
      encoder: 'wasm',
      reason: "the system ffmpeg's libx264 does not work: broken",
    });
  });
});

describe('formatEncoders', () => {
  it('prints a table with the reasons and the auto choice', () => {
    const text = formatEncoders(
      encodersReport({
        ffmpeg,
        encoders: [
          { ...x264, ok: true },
          { ...nvenc, ok: false, reason: 'Cannot load libcuda.so.1' },
        ],
      }),
    );
    expect(text).toBe(
      [
        'system ffmpeg: ffmpeg, version 5.1.9',
        '',
        'encoder            codec  family       result  reason',
        'ffmpeg:libx264     h264   software     works',
        'ffmpeg:h264_nvenc  h264   nvenc        fails   Cannot load libcuda.so.1',
        'wasm (libx264)     h264   ffmpeg.wasm  works   bundled, needs nothing installed',
        '',
        '--encoder auto uses: ffmpeg (the system ffmpeg with libx264)',
        '',
      ].join('\n'),
    );
  });

  it('says when there is no system ffmpeg', () => {
    const text = formatEncoders(
      encodersReport({ ffmpeg: undefined, reason: 'ffmpeg not found ("ffmpeg")', encoders: [] }),
    );
    expect(text).toContain('system ffmpeg: not usable (ffmpeg not found ("ffmpeg"))');
    expect(text).toContain(
      '--encoder auto uses: wasm (ffmpeg.wasm with libx264), because no system ffmpeg: ffmpeg not found ("ffmpeg")',
    );
  });
});
