import { isCamstreamError } from '@camstream/core/media';
import { hangingFfmpeg, waitForExit } from '@camstream/test-helpers/processes';
import { describe, expect, it } from 'vitest';
import { probeEncoders, streamedCodec } from './probe-encoders.js';

// The real system ffmpeg (Debian's 5.1 here: libx264 and libx265 work, the hardware encoders are built in but
// have no hardware).
describe('probeEncoders', () => {
  it('onlyNames: tries only the names given', async () => {
    const report = await probeEncoders({ names: ['libx264'], onlyNames: true });
    expect(report.encoders.map((e) => [e.name, e.ok])).toEqual([['libx264', true]]);
  });

  it('tries what ffmpeg lists and says why the hardware encoders fail', async () => {
    const report = await probeEncoders({ names: ['h264_nvenc', 'no_such_encoder', 'mpeg4'] });
    expect(report.ffmpeg?.path).toBe('ffmpeg');
    expect(report.ffmpeg?.version).toMatch(/^\d+\.\d+/);
    const byName = new Map(report.encoders.map((e) => [e.name, e]));
    expect(byName.get('libx264')).toEqual({
      name: 'libx264',
      codec: 'h264',
      family: 'software',
      hardware: false,
      ok: true,
      ffmpegCodec: 'h264',
    });
    expect(byName.get('libx265')).toEqual({
      name: 'libx265',
      codec: 'h265',
      family: 'software',
      hardware: false,
      ok: true,
      ffmpegCodec: 'hevc',
    });
    const nvenc = byName.get('h264_nvenc');
    expect(nvenc?.ok).toBe(false);
    expect(nvenc?.reason).toMatch(/\S/);
    expect(nvenc?.reason).not.toContain('\n');
    expect(byName.get('no_such_encoder')).toEqual({
      name: 'no_such_encoder',
      codec: 'h264',
      family: 'other',
      hardware: true,
      ok: false,
      reason: 'not in this ffmpeg build',
    });
    // ffmpeg has it, but it writes another codec: not tried.
    expect(byName.get('mpeg4')).toMatchObject({
      ok: false,
      ffmpegCodec: 'mpeg4',
      reason: 'writes mpeg4, not H.264 or H.265',
    });
    // A name given that ffmpeg also lists is tried once.
    expect(report.encoders.filter((e) => e.name === 'h264_nvenc')).toHaveLength(1);
  }, 60_000);

  it('streamedCodec: ffmpeg’s h264 and hevc are the codecs camstream streams, nothing else', () => {
    expect([
      streamedCodec('h264'),
      streamedCodec('hevc'),
      streamedCodec('mpeg4'),
      streamedCodec('toString'),
    ]).toEqual(['h264', 'h265', undefined, undefined]);
  });

  it('reports a missing ffmpeg instead of failing', async () => {
    const report = await probeEncoders({ ffmpegPath: '/nonexistent/bin/ffmpeg' });
    expect(report).toEqual({
      ffmpeg: undefined,
      reason: 'ffmpeg not found ("/nonexistent/bin/ffmpeg")',
      encoders: [],
    });
  });

  it('an ffmpeg that never answers (a wrapper whose child holds the pipes): timed out, and nothing left running', async () => {
    const hanging = hangingFfmpeg();
    // Long enough for the wrapper to start its child even on a busy machine.
    const probing = probeEncoders({ ffmpegPath: hanging.path, timeoutMs: 2000 });
    const child = await hanging.childPid();
    expect(await probing).toMatchObject({
      ffmpeg: undefined,
      reason: `${hanging.path} -encoders failed: timed out after 2000 ms`,
    });
    await waitForExit(child);
  });

  it('a program that is no ffmpeg (lists no encoders) is said to be so, not an ffmpeg without libx264', async () => {
    const report = await probeEncoders({ ffmpegPath: '/bin/true' });
    expect(report).toEqual({
      ffmpeg: undefined,
      reason: '/bin/true -encoders listed no encoders; is it ffmpeg?',
      encoders: [],
    });
  });

  it('stops with aborted when its signal fires', async () => {
    const controller = new AbortController();
    const probing = probeEncoders({ signal: controller.signal });
    controller.abort();
    const error = await probing.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isCamstreamError(error) && error.code).toBe('aborted');
  });
});
