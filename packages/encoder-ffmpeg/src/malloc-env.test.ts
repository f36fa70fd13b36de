import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FfmpegEncoder } from './ffmpeg-encoder.js';
import { ffmpegEnv } from './malloc-env.js';

describe('ffmpegEnv', () => {
  it("keeps blocks of two frames on glibc's heap and four frames free at its top, at least 1 and 2 MiB", () => {
    const frame = 1280 * 720 * 1.5;
    expect(ffmpegEnv(frame, { PATH: '/bin' })).toEqual({
      PATH: '/bin',
      GLIBC_TUNABLES: `glibc.malloc.mmap_threshold=${2 * frame}:glibc.malloc.trim_threshold=${4 * frame}`,
    });
    expect(ffmpegEnv(160 * 120 * 1.5, {}).GLIBC_TUNABLES).toBe(
      `glibc.malloc.mmap_threshold=${1 << 20}:glibc.malloc.trim_threshold=${2 << 20}`,
    );
  });

  it("leaves a user's own GLIBC_TUNABLES alone", () => {
    const env = { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' };
    expect(ffmpegEnv(1_000_000, env)).toBe(env);
  });

  it.runIf(process.platform === 'linux')('is the environment of the ffmpeg an encoder starts', async () => {
    const encoder = await FfmpegEncoder.open({ width: 1280, height: 720, fpsNum: 30 });
    try {
      const environ = readFileSync(`/proc/${encoder.pid}/environ`, 'latin1').split('\0');
      const frame = 1280 * 720 * 1.5;
      const expected =
        process.env.GLIBC_TUNABLES ??
        `glibc.malloc.mmap_threshold=${2 * frame}:glibc.malloc.trim_threshold=${4 * frame}`;
      // glibc cuts the variable at each ':' in place as it reads it; /proc shows the pieces NUL-separated.
      expect(environ.join(':')).toContain(`GLIBC_TUNABLES=${expected}`);
    } finally {
      encoder.abort();
    }
  });
});
