import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HarnessWindow, launchBrowser, openViewer, poll } from '../harness/browser.js';
import { assertCliBuilt, realtimeCaptureArgs, runCli, startCli } from '../harness/cli-process.js';
import { showsColourBars } from '../harness/pixels.js';
import { type HarnessServer, startHarnessServer } from '../harness/static-server.js';
import { showsTestPattern } from '../harness/test-pattern-pixels.js';
import { makeTestsrc2, readSaved, testsrc2Y4mPipe } from './capture-media.js';

// `camstream capture` from each source to a file, run as the built binary, the files loaded in the real web
// viewer (@rerun-io/web-viewer 0.33.0 in Debian's Chromium).
const artifacts = join(import.meta.dirname, '..', 'test-results');
let dir: string;
let harness: HarnessServer;
let browser: Browser;

beforeAll(async () => {
  assertCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'camstream-capture-e2e-'));
  mkdirSync(artifacts, { recursive: true });
  [harness, browser] = await Promise.all([startHarnessServer(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** How the start line names each encoder (Debian's ffmpeg as the system ffmpeg). */
const encoderLabel = { wasm: 'ffmpeg\\.wasm libx264', ffmpeg: 'system ffmpeg \\S+ libx264' } as const;

/** Loads `path` in the viewer and waits for `recordingId`, the time range up to `lastTime` and `shows`. */
async function showInViewer(
  path: string,
  recordingId: string,
  lastTime: bigint | undefined,
  shows: (png: Buffer) => boolean,
  artifact: string,
): Promise<void> {
  const viewer = await openViewer(browser, harness.url, harness.serveFile(`${artifact}.rrd`, path));
  try {
    await poll('the recording to open', async () =>
      (await viewer.page.evaluate(() => (window as unknown as HarnessWindow).harness.activeRecording())) ===
      recordingId
        ? true
        : undefined,
    );
    if (lastTime !== undefined) {
      const range = await poll('the time range', async () => {
        const r = await viewer.page.evaluate(() =>
          (window as unknown as HarnessWindow).harness.timeRange('time'),
        );
        return r !== null && r.max === Number(lastTime) ? r : undefined;
      });
      expect(range.min).toBe(0);
    }
    const png = await poll('the video on screen', async () => {
      const shot = await viewer.page.screenshot();
      return shows(shot) ? shot : undefined;
    });
    writeFileSync(join(artifacts, `${artifact}.png`), png);
    expect(viewer.problems()).toEqual([]);
    expect(viewer.pageErrors).toEqual([]);
  } finally {
    await viewer.page.close();
  }
}

describe('camstream capture → --save, in the real viewer', () => {
  for (const encoder of ['wasm', 'ffmpeg'] as const) {
    it(`testsrc (the default source) to a file that shows the moving pattern (--encoder ${encoder})`, async () => {
      const save = join(dir, `testsrc-${encoder}.rrd`);
      const run = await runCli([
        'capture',
        '--encoder',
        encoder,
        '--frames',
        '60',
        '--size',
        '640x360',
        '--gop',
        '30',
        '--preset',
        'ultrafast',
        '--stats',
        '--save',
        save,
        '--recording-id',
        'e2e-capture-testsrc',
      ]);
      expect(run.stderr).toMatch(
        new RegExp(
          `capturing testsrc 640x360 at 30\\.00 fps \\(batch encoding with ${encoderLabel[encoder]}\\)`,
        ),
      );
      expect(run.stderr).toMatch(/60 frames \(2 keyframes, 0 dropped\)/);
      expect(run).toMatchObject({ code: 0, stdout: '' });
      const saved = readSaved(save);
      expect(saved).toMatchObject({ recordingId: 'e2e-capture-testsrc', samples: 60, keyframeSamples: 2 });
      expect(saved.times).toEqual(Array.from({ length: 60 }, (_, i) => (BigInt(i) * 1_000_000_000n) / 30n));
      expect(saved.entities).toEqual([
        '/stats/bitrate_kbps',
        '/stats/dropped_frames',
        '/stats/encode_latency_ms',
        '/stats/fps',
        '/stats/frame_bytes',
        '/video_stream',
      ]);
      await showInViewer(
        save,
        'e2e-capture-testsrc',
        saved.times.at(-1),
        (png) => showsTestPattern(png).ok,
        `capture-testsrc-${encoder}`,
      );
    });

    it(`Y4M piped from Debian ffmpeg on stdin (--input -, --encoder ${encoder})`, async () => {
      const save = join(dir, `stdin-${encoder}.rrd`);
      const run = await runCli(
        [
          'capture',
          '--encoder',
          encoder,
          '--input',
          '-',
          '--preset',
          'ultrafast',
          '--save',
          save,
          '--recording-id',
          'e2e-capture-stdin',
        ],
        { stdin: testsrc2Y4mPipe({ size: '320x240', fps: 25, frames: 50 }) },
      );
      expect(run.stderr).toMatch(
        new RegExp(
          `capturing stdin 320x240 at 25\\.00 fps \\(live encoding with ${encoderLabel[encoder]}; waits for the encoder, drops nothing\\)`,
        ),
      );
      expect(run.code).toBe(0);
      const saved = readSaved(save);
      // stdin waits for the encoder instead of dropping: a piped clip arrives whole.
      expect(saved.samples).toBe(50);
      expect(saved.times.at(-1)).toBe(49n * 40_000_000n);
      await showInViewer(
        save,
        'e2e-capture-stdin',
        saved.times.at(-1),
        (png) => showsColourBars(png).ok,
        `capture-stdin-${encoder}`,
      );
    });
  }

  it('Ctrl-C (SIGINT) mid-capture ends cleanly: exit 0 and a complete, loadable file', async () => {
    const save = join(dir, 'sigint.rrd');
    const cli = startCli(realtimeCaptureArgs(save, 'e2e-capture-sigint', ['--log-format', 'json']));
    await cli.waitFor(/"event":"start"/, 'stderr');
    // Let it capture a couple of GOPs (30 frames each) in real time before stopping it.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    cli.child.kill('SIGINT');
    const result = await cli.done;
    expect(result.code).toBe(0);
    const events = result.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; frames?: number; stopped?: boolean });
    expect(events.map((e) => e.event)).toContain('stopping');
    const done = events.find((e) => e.event === 'done');
    expect(done?.stopped).toBe(true);
    const saved = readSaved(save);
    expect(saved.samples).toBe(done?.frames);
    expect(saved.samples).toBeGreaterThan(10);
    await showInViewer(
      save,
      'e2e-capture-sigint',
      undefined,
      (png) => showsTestPattern(png).ok,
      'capture-sigint',
    );
  });
});

describe('camstream capture --input FILE', () => {
  it('reads a .y4m file in batch mode with its own size and rate', async () => {
    const input = join(dir, 'clip.y4m');
    makeTestsrc2(input, { size: '320x240', fps: 25, frames: 40 });
    const save = join(dir, 'y4m.rrd');
    const run = await runCli([
      'capture',
      '--encoder',
      'wasm',
      '--input',
      input,
      '--gop',
      '20',
      '--preset',
      'ultrafast',
      '--save',
      save,
    ]);
    expect(run.stderr).toMatch(/320x240 at 25\.00 fps \(batch encoding with ffmpeg\.wasm libx264\)/);
    expect(run.code).toBe(0);
    const saved = readSaved(save);
    expect(saved).toMatchObject({ samples: 40, keyframeSamples: 2 });
    expect(saved.times.at(-1)).toBe(39n * 40_000_000n);
  });

  it('decodes an mp4 (encoder-wasm decodeFile), keeps its timestamps, and the result plays in the viewer', async () => {
    const input = join(dir, 'clip.mp4');
    // A variable frame rate the re-encode must keep: 25 fps, then every other frame dropped (12.5 fps).
    makeTestsrc2(input, {
      size: '320x240',
      fps: 25,
      frames: 30,
      codec: 'libx264',
      filter: "select='lt(n,20)+not(mod(n,2))'",
    });
    const save = join(dir, 'mp4.rrd');
    const run = await runCli([
      'capture',
      '--encoder',
      'wasm',
      '--input',
      input,
      '--preset',
      'ultrafast',
      '--save',
      save,
      '--recording-id',
      'e2e-capture-mp4',
    ]);
    expect(run.stderr).toMatch(/capturing .*clip\.mp4 320x240/);
    expect(run.code, run.stderr).toBe(0);
    const saved = readSaved(save);
    expect(saved.samples).toBe(30);
    const ms = saved.times.map((t) => Number(t / 1_000_000n));
    expect(ms.slice(0, 2)).toEqual([0, 40]);
    expect(ms.slice(18, 22)).toEqual([720, 760, 800, 880]); // 40 ms steps, then 80 ms
    expect(ms.at(-1)).toBe(1520);
    await showInViewer(
      save,
      'e2e-capture-mp4',
      saved.times.at(-1),
      (png) => showsColourBars(png).ok,
      'capture-mp4',
    );
  });

  it('reads raw .yuv (nv12) with --size, --pix-fmt and --fps, and --frames stops early', async () => {
    const input = join(dir, 'clip.yuv');
    makeTestsrc2(input, { size: '160x120', fps: 10, frames: 30, pixFmt: 'nv12', format: 'rawvideo' });
    const save = join(dir, 'raw.rrd');
    const run = await runCli([
      'capture',
      '--encoder',
      'wasm',
      '--input',
      input,
      '--size',
      '160x120',
      '--pix-fmt',
      'nv12',
      '--fps',
      '10',
      '--frames',
      '25',
      '--preset',
      'ultrafast',
      '--save',
      save,
    ]);
    expect(run.code).toBe(0);
    const saved = readSaved(save);
    expect(saved.samples).toBe(25);
    expect(saved.times.at(-1)).toBe(2_400_000_000n);
  });
});
