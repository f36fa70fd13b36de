import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordingStream, VideoCodec, VideoStream } from '@camstream/core';
import { FileSink } from '@camstream/core/node';
import { makeClip } from '@camstream/test-helpers/ffmpeg';
import { tempDir } from '@camstream/test-helpers/temp-dir';
import { describe, expect, it } from 'vitest';
import { CliError } from '../errors.js';
import { remux } from '../remux/remux.js';
import { formatReport } from './format-text.js';
import { inspect } from './inspect.js';

const dir = tempDir('camstream-clips-');

describe('inspect of video files', () => {
  it('reports an x264 clip: codec, size, frames, keyframes, GOPs, duration', async () => {
    const mkv = makeClip(dir, 'base', {
      codec: 'h264',
      container: 'mkv',
      profile: 'baseline',
      frames: 24,
      gop: 8,
    });
    const report = await inspect(mkv);
    expect(report.kind).toBe('video');
    if (report.kind !== 'video') return;
    expect(report.container).toBe('matroska');
    expect(report.video).toMatchObject({
      codec: 'h264',
      width: 160,
      height: 120,
      profile: 'Constrained Baseline',
      frames: 24,
      keyframes: [0, 8, 16],
      gopLengths: [8, 8, 8],
      maxGop: 8,
      duration: 24 / 25,
      bFrames: false,
      openGop: false,
    });
    expect(report.video.codecString).toMatch(/^avc1\.42/);
    expect(report.video.bitrate).toBe(Math.round((report.video.bytes * 8) / (24 / 25)));
    const text = formatReport(report);
    expect(text).toContain('160x120, Constrained Baseline');
    expect(text).toContain('keyframes: 3 at 0, 8, 16');
    expect(text).not.toContain('cannot play');
    // A guard, not a budget: the clip is encoded in the test and took over vitest's 5 s on a busy machine.
  }, 30_000);

  it('reports B-frames and open GOPs instead of refusing them', async () => {
    const withB = await inspect(makeClip(dir, 'b', { codec: 'h264', container: 'mp4', bFrames: true }));
    const cra = await inspect(
      makeClip(dir, 'cra', { codec: 'h265', container: 'mp4', openGop: true, gop: 10 }),
    );
    expect(withB.kind === 'video' && withB.video.bFrames).toBe(true);
    expect(cra.kind === 'video' && cra.video.openGop).toBe(true);
    expect(formatReport(withB)).toContain('Rerun 0.33 cannot play this as it is');
  });
});

describe('inspect of recordings', () => {
  it('reports what remux wrote: store, entity, timeline range, samples and their video facts', async () => {
    const mp4 = makeClip(dir, 'hevc', { codec: 'h265', container: 'mp4', frames: 20, gop: 10 });
    const rrd = join(dir, 'hevc.rrd');
    await remux(mp4, rrd, { applicationId: 'unit', recordingId: 'r1' });
    const report = await inspect(rrd);
    expect(report.kind).toBe('rrd');
    if (report.kind !== 'rrd') return;
    expect(report.stores).toEqual([{ kind: 'recording', applicationId: 'unit', recordingId: 'r1' }]);
    expect(report.rows).toBe(21); // the static codec + one row per frame
    expect(report.entities).toEqual([
      expect.objectContaining({
        path: '/video_stream',
        archetypes: ['rerun.archetypes.VideoStream'],
        components: ['VideoStream:codec', 'VideoStream:sample'],
        rows: 21,
        hasStatic: true,
      }),
    ]);
    expect(report.timelines).toEqual([
      { name: 'time', kind: 'duration', min: '0', max: String(19 * 40_000_000) },
    ]);
    const [video] = report.videoStreams;
    expect(video).toMatchObject({ entity: '/video_stream', samples: 20, unparsedSamples: 0 });
    expect(video?.video).toMatchObject({
      codec: 'h265',
      frames: 20,
      keyframes: [0, 10],
      width: 160,
      duration: 0.8,
    });
    expect(formatReport(report)).toContain(
      'video stream /video_stream: 20 samples on time (duration): 0 s … 0.76 s',
    );
  });

  it('counts samples that are not Annex B instead of failing', async () => {
    const rrd = join(dir, 'odd.rrd');
    const rec = new RecordingStream({ applicationId: 'unit', sinks: [new FileSink(rrd)], logTime: false });
    rec.log('v', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
    rec.setTime('frame', { sequence: 0 });
    rec.log('v', VideoStream.fromFields({ sample: Uint8Array.of(9, 9, 9) }));
    await rec.close();
    const report = await inspect(rrd);
    expect(report.kind === 'rrd' && report.videoStreams[0]).toMatchObject({ samples: 1, unparsedSamples: 1 });
  });

  it('refuses a file with no Rerun messages with one clear line', async () => {
    const bad = join(dir, 'bad.rrd');
    writeFileSync(bad, Uint8Array.from([0x52, 0x52, 0x46, 0x32, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]));
    const error = await inspect(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toMatch(/bad\.rrd holds no readable Rerun messages/);
  });
});
