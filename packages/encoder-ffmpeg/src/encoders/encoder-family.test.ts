import { describe, expect, it } from 'vitest';
import { describeEncoder } from './encoder-family.js';

describe('describeEncoder', () => {
  it('knows the software encoders', () => {
    expect(describeEncoder('libx264')).toEqual({
      name: 'libx264',
      codec: 'h264',
      family: 'software',
      hardware: false,
    });
    expect(describeEncoder('libx265')).toEqual({
      name: 'libx265',
      codec: 'h265',
      family: 'software',
      hardware: false,
    });
  });

  it('takes the hardware family from the suffix and the codec from the prefix', () => {
    const kinds = ['h264_nvenc', 'hevc_nvenc', 'h264_vaapi', 'hevc_vaapi', 'h264_qsv', 'hevc_qsv'].map(
      (name) => {
        const { codec, family, hardware } = describeEncoder(name);
        return `${name}: ${codec} ${family} ${hardware}`;
      },
    );
    expect(kinds).toEqual([
      'h264_nvenc: h264 nvenc true',
      'hevc_nvenc: h265 nvenc true',
      'h264_vaapi: h264 vaapi true',
      'hevc_vaapi: h265 vaapi true',
      'h264_qsv: h264 qsv true',
      'hevc_qsv: h265 qsv true',
    ]);
  });

  it('passes other names through: H.265 only when the name says so, hardware unless a lib wrapper', () => {
    expect(describeEncoder('h264_v4l2m2m')).toEqual({
      name: 'h264_v4l2m2m',
      codec: 'h264',
      family: 'other',
      hardware: true,
    });
    expect(describeEncoder('hevc_v4l2m2m').codec).toBe('h265');
    expect(describeEncoder('libkvazaar265').codec).toBe('h265');
    expect(describeEncoder('libopenh264')).toEqual({
      name: 'libopenh264',
      codec: 'h264',
      family: 'other',
      hardware: false,
    });
  });
});
