import { describe, expect, it } from 'vitest';
import { chooseEncoder } from './choose-encoder.js';

describe('chooseEncoder', () => {
  it('refuses, as a usage error, --encoder-args that set the encoder, the format, a map, an input or an output', async () => {
    for (const [args, owned] of [
      [['-c:v', 'libx265'], '-c:v'],
      [['-preset', 'slow', '-vcodec', 'mpeg4'], '-vcodec'],
      [['-codec', 'copy'], '-codec'],
      [['-f', 'null'], '-f'],
      [['-map', '0:a'], '-map'],
      [['-i', 'other.y4m'], '-i'],
      [['-c:0', 'libx265'], '-c:0'],
      [['-codec:0', 'libx265'], '-codec:0'],
      [['-c:V', 'libx265'], '-c:V'],
      [['-tune', 'film', 'extra.h264'], 'extra.h264'],
      [['out.mkv'], 'out.mkv'],
    ] as const) {
      for (const choice of ['auto', 'ffmpeg', 'ffmpeg:libx264'] as const)
        await expect(chooseEncoder(choice, { codec: 'h264', encoderArgs: args })).rejects.toMatchObject({
          code: 'usage',
          message: expect.stringContaining(`--encoder-args may not give ${owned}:`),
        });
    }
    await expect(
      chooseEncoder('ffmpeg', { codec: 'h264', encoderArgs: ['-c:v', 'h264_nvenc'] }),
    ).rejects.toThrow(/\(--encoder ffmpeg:NAME\)/);
  });

  it('lets through options that only look alike (-filter:v, -crf, -frames:v)', async () => {
    const chosen = await chooseEncoder('ffmpeg', {
      codec: 'h264',
      encoderArgs: ['-filter:v', 'hflip', '-crf', '30', '-frames:v', '10', '-qp', '-1', '-an'],
    });
    expect(chosen).toMatchObject({ backend: 'ffmpeg', name: 'libx264' });
  });

  it('an encoder of another codec than H.264 or H.265 (mpeg4): a usage error with what works', async () => {
    await expect(chooseEncoder('ffmpeg:mpeg4', { codec: 'h264' })).rejects.toMatchObject({
      code: 'usage',
      message: expect.stringMatching(
        /^--encoder ffmpeg:mpeg4: mpeg4 writes mpeg4, not H\.264 or H\.265; encoders that work here: wasm, ffmpeg:libx264, ffmpeg:libx265$/,
      ),
    });
  });

  it('a stop while the system ffmpeg is being checked is a stop, not a missing ffmpeg', async () => {
    const stop = new AbortController();
    const choosing = chooseEncoder('auto', { codec: 'h264', signal: stop.signal });
    stop.abort();
    await expect(choosing).rejects.toMatchObject({
      code: 'runtime',
      message: /^stopped before the capture started/,
    });
  });
});
