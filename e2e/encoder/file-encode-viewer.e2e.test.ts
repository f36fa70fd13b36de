import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testPattern, VideoStream, Y4M_FRAME_LINE, y4mHeaderBytes } from '@camstream/core';
import { encodeFile } from '@camstream/encoder-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HarnessWindow, poll } from '../harness/browser.js';
import {
  callStreams,
  collectingVideoRecording,
  corePatternOnScreen,
  openViewerWith,
  useViewerHarness,
} from '../harness/viewer-harness.js';

const FRAMES = 45;
const artifacts = join(import.meta.dirname, '..', 'test-results');

const harness = useViewerHarness(artifacts);
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'camstream-file-e2e-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * The core test pattern as a variable-rate mp4 with B-frames, made by Debian's ffmpeg: 15 frames 1/30 s apart,
 * 15 frames 1/10 s apart, 15 frames 1/60 s apart (ticks of the 1/60 s source time base).
 */
function variableRateMp4(): { path: string; pts: bigint[] } {
  const y4m = join(dir, 'pattern.y4m');
  const frames = [...testPattern({ width: 320, height: 240, fpsNum: 60, frames: FRAMES })];
  const parts = [y4mHeaderBytes(320, 240, 60), ...frames.flatMap((f) => [Y4M_FRAME_LINE, f.data])];
  writeFileSync(y4m, Buffer.concat(parts));
  const path = join(dir, 'pattern-vfr.mp4');
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-i', y4m],
    ...['-vf', "setpts='if(lt(N,15),2*N,if(lt(N,30),30+6*(N-15),120+(N-30)))'", '-fps_mode', 'vfr'],
    ...['-c:v', 'libx264', '-bf', '2', '-video_track_timescale', '600', path],
  ]);
  // The times setpts gave, in ns: what the viewer's timeline must span.
  const ticks = frames.map((_, n) => (n < 15 ? 2 * n : n < 30 ? 30 + 6 * (n - 15) : 120 + (n - 30)));
  return { path, pts: ticks.map((t) => (BigInt(t) * 1_000_000_000n) / 60n) };
}

describe('encodeFile samples play in the real web viewer', () => {
  it('variable-rate mp4 → encodeFile (ffmpeg.wasm decode + x264) → RecordingStream → viewer shows the bars on the source timeline', async () => {
    const source = variableRateMp4();
    const { rec, calls } = collectingVideoRecording('e2e-encode-file');
    const pts: bigint[] = [];
    for await (const sample of encodeFile(source.path, { threads: 2, gop: 15, preset: 'veryfast' })) {
      rec.setTime('time', { duration: sample.pts });
      rec.log('video_stream', VideoStream.fromFields({ sample: sample.data }));
      pts.push(sample.pts);
    }
    await rec.close();
    // Every frame, with the file's own (variable) timestamps.
    expect(pts).toEqual(source.pts);

    const { first, perFrame } = callStreams(calls);
    expect(perFrame).toHaveLength(FRAMES);
    const viewer = await openViewerWith(harness.browser, harness.server.url, [first, ...perFrame]);
    const range = await poll('the whole file on the timeline', async () => {
      const r = await viewer.page.evaluate(() =>
        (window as unknown as HarnessWindow).harness.timeRange('time'),
      );
      return r !== null && BigInt(r.max) === source.pts.at(-1) ? r : undefined;
    });
    expect(BigInt(range.min)).toBe(0n);
    const counts = await corePatternOnScreen(viewer.page, join(artifacts, 'encoder-wasm-file.png'));
    expect(Object.values(counts).filter((n) => n >= 300).length).toBeGreaterThanOrEqual(4);
    expect(viewer.problems()).toEqual([]);
    expect(viewer.pageErrors).toEqual([]);
  });
});
