import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InspectReport, RrdReport, VideoFileReport } from '@camstream/cli';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ClipSpec, encodeMp4, probePackets, probeStream, rewrap, runCli } from './remux-fixtures.js';

const FPS = 25;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'camstream-inspect-e2e-'));
});

function inspectJson(path: string): InspectReport {
  const run = runCli(['inspect', path, '--json']);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as InspectReport;
}

const CLIPS: { name: string; container: 'mp4' | 'mkv' | 'h264' | 'h265'; spec: ClipSpec }[] = [
  {
    name: 'baseline',
    container: 'mp4',
    spec: { codec: 'h264', profile: 'baseline', frames: 30, gop: 12, fps: FPS },
  },
  {
    name: 'high',
    container: 'mkv',
    spec: { codec: 'h264', profile: 'high', frames: 30, gop: 10, fps: FPS, size: '352x288' },
  },
  { name: 'high-annexb', container: 'h264', spec: { codec: 'h264', frames: 30, gop: 10, fps: FPS } },
  {
    name: 'bframes',
    container: 'mp4',
    spec: { codec: 'h264', frames: 30, gop: 15, fps: FPS, bFrames: true },
  },
  { name: 'hevc', container: 'mkv', spec: { codec: 'h265', frames: 20, gop: 10, fps: FPS } },
];

describe('camstream inspect (built binary) agrees with ffprobe', () => {
  for (const { name, container, spec } of CLIPS) {
    it(`${name} (${spec.codec} in ${container})`, () => {
      const mp4 = encodeMp4(dir, name, spec);
      const file = container === 'mp4' ? mp4 : rewrap(mp4, join(dir, `${name}.${container}`));
      const report = inspectJson(file);
      expect(report.kind).toBe('video');
      const { video } = report as VideoFileReport;
      const stream = probeStream(file);
      const packets = probePackets(file);
      expect(video.codec).toBe(spec.codec);
      expect(stream.codec_name).toBe(spec.codec === 'h264' ? 'h264' : 'hevc');
      expect(video.width).toBe(stream.width);
      expect(video.height).toBe(stream.height);
      expect(video.profile).toBe(stream.profile);
      expect(video.levelIdc).toBe(stream.level);
      expect(video.frames).toBe(packets.length);
      expect(video.keyframes).toEqual(packets.flatMap((p, i) => (p.keyframe ? [i] : [])));
      expect(video.bFrames).toBe(Number(stream.has_b_frames) > 0);
      expect(video.bFrames).toBe(spec.bFrames === true);
      expect(video.openGop).toBe(false);
      // Annex B has no timestamps (inspect assumes the SPS frame rate); MP4 has a stream duration, MKV a format one.
      const ffDuration =
        container === 'h264'
          ? packets.length / FPS
          : Number(container === 'mp4' ? stream.duration : stream.format_duration);
      expect(video.duration).toBeCloseTo(ffDuration, 3);
      if (container !== 'h264') expect(video.bytes).toBe(packets.reduce((n, p) => n + p.size, 0));
    });
  }

  it('prints a readable text report', () => {
    const file = encodeMp4(dir, 'text', { codec: 'h264', frames: 20, gop: 10, fps: FPS });
    const run = runCli(['inspect', file]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`${file}: mp4`);
    expect(run.stdout).toMatch(/h264 \(avc1\.64[0-9A-Fa-f]{4}\), 320x240, High, level/);
    expect(run.stdout).toContain('frames: 20, duration: 0.800 s');
    expect(run.stdout).toContain('keyframes: 2 at 0, 10');
    expect(run.stdout).toContain('B-frames: no, open GOP: no');
  });
});

describe('camstream inspect of a recording made by camstream remux', () => {
  it('reports the store, entity, timeline range and samples', () => {
    const mp4 = encodeMp4(dir, 'for-rrd', { codec: 'h264', frames: 45, gop: 15, fps: FPS });
    const rrd = join(dir, 'for-rrd.rrd');
    const remux = runCli([
      'remux',
      mp4,
      rrd,
      '--entity',
      'cams/left',
      '--app-id',
      'robot',
      '--recording-id',
      'run-7',
    ]);
    expect(remux.status).toBe(0);
    const report = inspectJson(rrd) as RrdReport;
    expect(report.kind).toBe('rrd');
    expect(report.stores).toEqual([{ kind: 'recording', applicationId: 'robot', recordingId: 'run-7' }]);
    expect(report.entities.map((e) => e.path)).toEqual(['/cams/left']);
    expect(report.entities[0]).toMatchObject({ archetypes: ['rerun.archetypes.VideoStream'], rows: 46 });
    expect(report.timelines).toEqual([
      { name: 'time', kind: 'duration', min: '0', max: String(44 * 40_000_000) },
    ]);
    expect(report.rows).toBe(46);
    expect(report.decodeErrors).toEqual([]);
    const [stream] = report.videoStreams;
    expect(stream).toMatchObject({ entity: '/cams/left', samples: 45, unparsedSamples: 0 });
    expect(stream?.timeline).toEqual(report.timelines[0]);
    expect(stream?.video).toMatchObject({
      codec: 'h264',
      frames: 45,
      keyframes: [0, 15, 30],
      width: 320,
      height: 240,
    });
    expect(stream?.video?.duration).toBeCloseTo(1.8, 6);

    const text = runCli(['inspect', rrd]);
    expect(text.stdout).toContain('store: recording app id robot, recording id run-7');
    expect(text.stdout).toContain('video stream /cams/left: 45 samples on time (duration): 0 s … 1.76 s');
  });

  it('a missing file is one line on stderr and exit 1', () => {
    const run = runCli(['inspect', join(dir, 'missing.rrd')]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toMatch(/^camstream: .*missing\.rrd does not exist$/);
  });
});
