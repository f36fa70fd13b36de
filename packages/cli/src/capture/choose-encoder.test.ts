import { describe, expect, it } from 'vitest';
import { chooseEncoder } from './choose-encoder.js';

describe('chooseEncoder', () => {
  it('refuses, as a usage error, --encoder-args that set the encoder, the format, a map or an input', async () => {
    for (const [args, owned] of [
      [['-c:v', 'libx265'], '-c:v'],
      [['-preset', 'slow', '-vcodec', 'mpeg4'], '-vcodec'],
      [['-codec', 'copy'], '-codec'],
      [['-f', 'null'], '-f'],
      [['-map', '0:a'], '-map'],
      [['-i', 'other.y4m'], '-i'],
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
      encoderArgs: ['-filter:v', 'hflip', '-crf', '30', '-frames:v', '10'],
    });
    expect(chosen).toMatchObject({ backend: 'ffmpeg', name: 'libx264' });
  });
});
