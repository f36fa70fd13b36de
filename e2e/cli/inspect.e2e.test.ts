import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InspectReport, RrdReport, VideoFileReport } from '@camstream/cli';
import { decodeRrd } from '@camstream/core';
import { tempDir } from '@camstream/test-helpers/temp-dir';
import { describe, expect, it } from 'vitest';
import { type ClipSpec, encodeMp4, probePackets, probeStream, rewrap, runCli } from './remux-fixtures.js';

const FPS = 25;
const dir = tempDir('camstream-inspect-e2e-');

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

describe('camstream inspect of a recording that is not whole', () => {
  /** A 30-frame recording made by camstream remux (one chunk per GOP of 10), its bytes and where its messages start. */
  function recording(name: string): { bytes: Uint8Array; offsets: number[] } {
    const mp4 = encodeMp4(dir, name, { codec: 'h264', frames: 30, gop: 10, fps: FPS });
    const rrd = join(dir, `${name}.rrd`);
    expect(runCli(['remux', mp4, rrd]).status).toBe(0);
    const bytes = new Uint8Array(readFileSync(rrd));
    return { bytes, offsets: decodeRrd(bytes).messages.map((m) => m.offset) };
  }

  it('a torn last message (what a crash leaves) is truncated: the report, one warning line, exit 0', () => {
    const { bytes, offsets } = recording('torn');
    const file = join(dir, 'torn-cut.rrd');
    const last = offsets.at(-1)!;
    writeFileSync(file, bytes.subarray(0, last + 50));
    const text = runCli(['inspect', file]);
    expect(text.status, text.stderr).toBe(0);
    expect(offsets).toHaveLength(5); // store info, codec, 3 GOPs
    expect(text.stdout).toContain('video stream /video_stream: 20 samples');
    expect(text.stdout).toContain(`truncated: the last 50 bytes (from byte ${last}) are a message cut short`);
    expect(text.stderr).toBe(
      `camstream: warning: ${file} is truncated: the last 50 bytes (from byte ${last}) are a message cut short, as a recorder killed while writing leaves; everything before it was read\n`,
    );
    const json = runCli(['inspect', file, '--json']);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ truncated: { offset: last, bytes: 50 }, damaged: false });
    // --quiet keeps warnings: a torn file is worth knowing about.
    expect(runCli(['--quiet', 'inspect', file]).stderr).toMatch(/^camstream: warning: .* is truncated/);
  });

  it('damage before the end: the report (text and --json) still prints, one error line, exit 1', () => {
    const { bytes, offsets } = recording('damaged');
    const file = join(dir, 'damaged-mid.rrd');
    const damaged = bytes.slice();
    const middle = offsets.at(-2)!;
    damaged.fill(0xee, middle + 40, middle + 240);
    writeFileSync(file, damaged);
    const text = runCli(['inspect', file]);
    expect(text.status).toBe(1);
    expect(text.stdout).toMatch(new RegExp(`^${file}: Rerun recording`));
    expect(text.stdout).toContain('decode error: ');
    const lines = text.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^camstream: ${file} is damaged: .*; the report covers what could be read$`),
    );
    const json = runCli(['inspect', file, '--json']);
    expect(json.status).toBe(1);
    const report = JSON.parse(json.stdout) as RrdReport;
    expect(report).toMatchObject({ kind: 'rrd', damaged: true, truncated: null });
    expect(report.videoStreams[0]?.samples).toBe(20); // the GOPs before and after it
  });
});
