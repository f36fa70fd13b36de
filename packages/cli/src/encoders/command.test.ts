import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCaptured } from '../run-captured.test-util.js';
import type { EncodersReport } from './report.js';

// With the system ffmpeg (Debian's 5.1 here: libx264 and libx265 work, no GPU for the hardware encoders).
describe('camstream encoders', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('--json: a stable object; libx264 works, nvenc fails with a reason, auto picks ffmpeg; exit 0', async () => {
    const { code, stdout } = await runCaptured(['encoders', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as EncodersReport;
    expect(Object.keys(report)).toEqual(['ffmpeg', 'ffmpegError', 'encoders', 'wasm', 'auto']);
    expect(report.ffmpeg?.path).toBe('ffmpeg');
    const x264 = report.encoders.find((e) => e.name === 'libx264');
    expect(x264).toEqual({
      name: 'libx264',
      codec: 'h264',
      family: 'software',
      hardware: false,
      works: true,
      reason: null,
    });
    const nvenc = report.encoders.find((e) => e.name === 'h264_nvenc');
    expect(nvenc?.works).toBe(false);
    expect(nvenc?.reason).toMatch(/\S/);
    expect(report.auto).toEqual({ encoder: 'ffmpeg', reason: null });
  }, 60_000);

  it('a missing ffmpeg given with --ffmpeg: the report (wasm) still prints, then exit 1', async () => {
    const { code, stdout, stderr } = await runCaptured(['encoders', '--ffmpeg', '/nonexistent/ffmpeg']);
    expect(code).toBe(1);
    expect(stdout).toContain('--encoder auto uses: wasm');
    expect(stderr).toContain('--ffmpeg /nonexistent/ffmpeg: ffmpeg not found');
  });
});
