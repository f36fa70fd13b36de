import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import {
  renderTestPattern,
  rotateTestPatternHue,
  TEST_PATTERN_BARS,
  VideoCodec,
  Y4M_FRAME_LINE,
  y4mHeaderBytes,
} from '@camstream/core';
import { concatBytes } from '@camstream/test-helpers/bytes';
import { probe } from '@camstream/test-helpers/oracle';
import { readRrdVideo } from '@camstream/test-helpers/rrd-reader';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, poll, watchPage } from '../harness/browser.js';
import { assertCliBuilt, type CliProcess, runCli, startCli } from '../harness/cli-process.js';
import { makeTestsrc2, readSaved, savedTimesSoFar } from './capture-media.js';

// Several sources in one `camstream capture` (decision 0019), run as the built binary: one .rrd checked per
// entity by core's parser, an independent reader and ffprobe; --serve played by the real web viewer
// (@rerun-io/web-viewer 0.33.0 on the page the CLI serves) in Chromium, one view per source, told apart by
// the pattern's hue.
const artifacts = join(import.meta.dirname, '..', 'test-results');
let dir: string;
let browser: Browser;

beforeAll(async () => {
  assertCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'camstream-several-e2e-'));
  mkdirSync(artifacts, { recursive: true });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The JSON log lines (`--log-format json`) a run wrote to stderr. */
function events(stderr: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** `event`'s lines, by entity. */
function byEntity(stderr: string, event: string): Map<string, Record<string, unknown>> {
  return new Map(events(stderr).flatMap((e) => (e.event === event ? [[String(e.entity), e]] : [])));
}

/** One source's video in a saved recording, read three ways; returns its `time` values. */
function checkEntity(save: string, entity: string, size: { width: number; height: number }): bigint[] {
  const bytes = new Uint8Array(readFileSync(save));
  // Core's decoder (which fails the test on anything it cannot read) and the independent reader agree.
  const core = readSaved(save, entity);
  const independent = readRrdVideo(bytes, entity);
  expect(independent.codec, entity).toBe(VideoCodec.H264);
  expect(independent.samples.length, entity).toBe(core.samples);
  expect(independent.times, entity).toEqual(core.times);
  expect(core.samples, entity).toBeGreaterThan(0);
  expect(
    core.times.every((t, i) => i === 0 || t >= core.times[i - 1]!),
    entity,
  ).toBe(true);
  // ffprobe decodes the entity's stream on its own: every sample a frame, its size, no B-frames.
  const report = probe(concatBytes(independent.samples));
  expect(report, entity).toMatchObject({ codec: 'h264', frames: core.samples, hasBFrames: 0, ...size });
  expect(report.keyframes[0], entity).toBe(0);
  return core.times;
}

describe('camstream capture with several sources → one .rrd', () => {
  it('two test patterns (sizes, hues, encoders of their own) and a Y4M file, each on its entity', async () => {
    const clip = join(dir, 'clip.y4m');
    makeTestsrc2(clip, { size: '160x120', fps: 25, frames: 40 });
    const save = join(dir, 'three.rrd');
    const run = await runCli([
      '--log-format',
      'json',
      'capture',
      '--pattern',
      '320x240@30=cams/front,frames=45',
      '--pattern',
      '256x144@15=cams/rear,hue=120,frames=20,encoder=ffmpeg',
      '--input',
      `${clip}=replay`,
      '--encoder',
      'wasm',
      '--preset',
      'ultrafast',
      '--gop',
      '15',
      '--stats',
      '--save',
      save,
      '--recording-id',
      'e2e-several',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const starts = byEntity(run.stderr, 'start');
    expect([...starts.keys()]).toEqual(['cams/front', 'cams/rear', 'replay']);
    expect(starts.get('cams/front')?.encoder).toBe('ffmpeg.wasm libx264');
    expect(starts.get('cams/rear')?.encoder).toMatch(/^system ffmpeg \S+ libx264$/);
    expect([...byEntity(run.stderr, 'source-ended').keys()].sort()).toEqual([
      'cams/front',
      'cams/rear',
      'replay',
    ]);
    const summaries = byEntity(run.stderr, 'source-summary');
    const counted = (entity: string) => {
      const s = summaries.get(entity)!;
      return Number(s.frames) + Number(s.dropped);
    };
    expect([counted('cams/front'), counted('cams/rear'), counted('replay')]).toEqual([45, 20, 40]);

    const front = checkEntity(save, '/cams/front', { width: 320, height: 240 });
    const rear = checkEntity(save, '/cams/rear', { width: 256, height: 144 });
    const replay = checkEntity(save, '/replay', { width: 160, height: 120 });
    expect([front.length, rear.length, replay.length]).toEqual(
      ['cams/front', 'cams/rear', 'replay'].map((e) => Number(summaries.get(e)!.frames)),
    );
    // One timeline from the run's start: each source paced at its own rate, so its last frame is at least
    // its length in time after the start (45 at 30 fps, 20 at 15 fps, 40 at 25 fps), less the pacing's
    // timer slack (a frame due within 1 ms goes at once).
    const slack = 10_000_000n;
    expect(front.at(-1)!).toBeGreaterThanOrEqual((44n * 1_000_000_000n) / 30n - slack);
    expect(rear.at(-1)!).toBeGreaterThanOrEqual((19n * 1_000_000_000n) / 15n - slack);
    expect(replay.at(-1)!).toBeGreaterThanOrEqual((39n * 1_000_000_000n) / 25n - slack);
    const video = readRrdVideo(new Uint8Array(readFileSync(save)), '/cams/front');
    expect(video.recordingId).toBe('e2e-several');
    expect(video.entities).toEqual(
      expect.arrayContaining([
        '/cams/front',
        '/cams/rear',
        '/replay',
        '/stats/cams/front/fps',
        '/stats/replay/fps',
      ]),
    );
    expect(video.entities).not.toContain('/video_stream');
  });

  it('fails alone: a missing file is one line, a truncated Y4M one more; the pattern records on (exit 1)', async () => {
    const truncated = join(dir, 'truncated.y4m');
    makeTestsrc2(truncated, { size: '160x120', fps: 25, frames: 10 });
    // Half of an 11th frame: the file ends inside it.
    const bytes = readFileSync(truncated);
    writeFileSync(truncated, Buffer.concat([bytes, Buffer.from('FRAME\n'), Buffer.alloc(160 * 60)]));
    const save = join(dir, 'failures.rrd');
    const run = await runCli([
      '--log-format',
      'json',
      'capture',
      '--input',
      `${join(dir, 'missing.y4m')}=missing`,
      '--input',
      `${truncated}=broken`,
      '--pattern',
      '160x120@30=steady,frames=60',
      '--encoder',
      'ffmpeg',
      '--preset',
      'ultrafast',
      '--save',
      save,
    ]);
    expect(run.code, run.stderr).toBe(1);
    const failed = byEntity(run.stderr, 'source-failed');
    expect([...failed.keys()].sort()).toEqual(['broken', 'missing']);
    expect(failed.get('missing')?.message).toMatch(
      /^missing \(.*missing\.y4m\) could not start: .*missing\.y4m/,
    );
    expect(failed.get('broken')?.message).toMatch(
      /^broken \(.*truncated\.y4m\) failed after 10 frames: .*truncated/,
    );
    expect(byEntity(run.stderr, 'source-ended').has('steady')).toBe(true);
    expect(events(run.stderr).at(-1)?.message).toMatch(/2 of 3 sources failed: missing .*, broken /);
    const steady = checkEntity(save, '/steady', { width: 160, height: 120 });
    const broken = checkEntity(save, '/broken', { width: 160, height: 120 });
    expect(broken).toHaveLength(10);
    // The pattern went on after the file failed: a second and more of it came later.
    expect(steady.at(-1)!).toBeGreaterThan(broken.at(-1)! + 1_000_000_000n);
  });

  it('two sources on one entity are a usage error naming both (exit 2)', async () => {
    const run = await runCli([
      'capture',
      '--pattern',
      '160x120@30=cam',
      '--device',
      '/dev/video0=cam',
      '--save',
      join(dir, 'never.rrd'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'camstream: --pattern 160x120@30 and --device /dev/video0 are on the same entity (/cam, /cam); give each its own with =ENTITY\n',
    );
  });
});

/** A palette: colour name → RGB, as a BT.601 decoder shows it. */
type Palette = Record<string, readonly [number, number, number]>;

/** The test pattern's saturated bars turned by `hue` degrees. */
function patternPalette(hue: number): Palette {
  return Object.fromEntries(
    TEST_PATTERN_BARS.slice(1, 7).map((bar) => [bar.name, rotateTestPatternHue(bar, hue).rgb]),
  );
}

const TOLERANCE = 30;

/** `palette` without the colours within reach of another palette's, so a pixel can belong to one source only. */
function ownColours(palette: Palette, others: readonly Palette[]): Palette {
  const apart = (a: readonly number[], b: readonly number[]) =>
    a.some((value, i) => Math.abs(value - b[i]!) > 2 * TOLERANCE);
  const far = (rgb: readonly number[]) => others.every((o) => Object.values(o).every((c) => apart(rgb, c)));
  return Object.fromEntries(Object.entries(palette).filter(([, rgb]) => far(rgb)));
}

/** Where a palette's colours are on screen: how many of its colours cover 200 pixels, and their box. */
interface Found {
  readonly colours: number;
  readonly box: { x0: number; y0: number; x1: number; y1: number };
}

/** Shortest vertical run of one colour that counts: the pattern's bars run the view's height, the UI's strips do not. */
const MIN_RUN = 40;

/**
 * Finds each palette on a screenshot: how many of its colours cover 200 pixels, and the box holding the middle
 * 96% of its pixels. Only pixels in vertical runs of one colour at least {@link MIN_RUN} tall count, so a
 * selection highlight or text of the viewer's UI in a similar colour is not taken for a bar.
 */
function findPalettes(png: Buffer, palettes: Record<string, Palette>): Record<string, Found> {
  const { data, width, height } = PNG.sync.read(png);
  const colours = Object.entries(palettes).flatMap(([source, palette]) =>
    Object.values(palette).map((rgb) => ({ source, rgb })),
  );
  const classOf = (i: number): number =>
    colours.findIndex(
      ({ rgb: [r, g, b] }) =>
        Math.abs(data[i]! - r) <= TOLERANCE &&
        Math.abs(data[i + 1]! - g) <= TOLERANCE &&
        Math.abs(data[i + 2]! - b) <= TOLERANCE,
    );
  const counts = colours.map(() => 0);
  const xs = new Map<string, number[]>(Object.keys(palettes).map((s) => [s, []]));
  const ys = new Map<string, number[]>(Object.keys(palettes).map((s) => [s, []]));
  for (let x = 0; x < width; x++) {
    let runStart = 0;
    let runClass = -1;
    for (let y = 0; y <= height; y++) {
      const c = y === height ? -2 : classOf((y * width + x) * 4);
      if (c === runClass) continue;
      if (runClass >= 0 && y - runStart >= MIN_RUN) {
        const source = colours[runClass]!.source;
        counts[runClass]! += y - runStart;
        for (let k = runStart; k < y; k++) {
          xs.get(source)!.push(x);
          ys.get(source)!.push(k);
        }
      }
      runStart = y;
      runClass = c;
    }
  }
  const at = (v: number[], q: number) => v[Math.floor((v.length - 1) * q)] ?? -1;
  const out: Record<string, Found> = {};
  for (const source of Object.keys(palettes)) {
    const sx = xs.get(source)!.sort((a, b) => a - b);
    const sy = ys.get(source)!.sort((a, b) => a - b);
    out[source] = {
      colours: colours.filter((c, i) => c.source === source && counts[i]! >= 200).length,
      box: { x0: at(sx, 0.02), y0: at(sy, 0.02), x1: at(sx, 0.98), y1: at(sy, 0.98) },
    };
  }
  return out;
}

function overlaps(a: Found['box'], b: Found['box']): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/** Waits until the page shows every source in a view of its own: its colours, in a box apart from the others'. */
async function showsEachSource(
  page: Page,
  palettes: Record<string, Palette>,
  artifact: string,
): Promise<void> {
  let last: Record<string, Found> | undefined;
  let lastPng: Buffer | undefined;
  try {
    await poll(
      'each source in its own view',
      async () => {
        const png = await page.screenshot();
        const found = findPalettes(png, palettes);
        last = found;
        lastPng = png;
        const names = Object.keys(found);
        const ok =
          names.every((n) => found[n]!.colours >= 3) &&
          names.every((a, i) => names.slice(i + 1).every((b) => !overlaps(found[a]!.box, found[b]!.box)));
        if (ok) writeFileSync(join(artifacts, `${artifact}.png`), png);
        return ok ? true : undefined;
      },
      90_000,
    );
  } catch (error) {
    if (lastPng !== undefined) writeFileSync(join(artifacts, `${artifact}-failed.png`), lastPng);
    throw new Error(`${(error as Error).message}; last seen: ${JSON.stringify(last)}`);
  }
}

/** The part of the hosted page's `WebViewer` (window.camstream.viewer) the test reads. */
interface HostedViewer {
  get_active_recording_id(): string | null;
  get_time_range(recording: string, timeline: string): { min: number; max: number } | null;
}

function timeRange(page: Page, recordingId: string): Promise<{ min: number; max: number } | null> {
  return page.evaluate((id) => {
    const viewer = (window as unknown as { camstream?: { viewer: HostedViewer } }).camstream?.viewer;
    return viewer?.get_active_recording_id() === id ? (viewer.get_time_range(id, 'time') ?? null) : null;
  }, recordingId);
}

/**
 * A camera piped in on stdin: the test pattern turned by `hue`, 160x120, written as Y4M at 25 fps until
 * `stop()` ends the pipe.
 */
function pipedCamera(stdin: Writable, hue: number): { stop(): void } {
  const options = { width: 160, height: 120, fpsNum: 25, hue };
  stdin.write(y4mHeaderBytes(160, 120, 25));
  let index = 0;
  const timer = setInterval(() => {
    stdin.write(Y4M_FRAME_LINE);
    stdin.write(renderTestPattern(options, index++).data);
  }, 40);
  return {
    stop() {
      clearInterval(timer);
      stdin.end();
    },
  };
}

// Two viewers start in turn while three encoders run: minutes on a busy 2-core machine.
describe('camstream capture with several sources → --serve, in the real web viewer', {
  timeout: 240_000,
}, () => {
  it('shows three views, each its own source; a late joiner sees all three; one source ending leaves the others advancing', async () => {
    const save = join(dir, 'served.rrd');
    let camera: { stop(): void } | undefined;
    let cli: CliProcess | undefined;
    const pages: Page[] = [];
    try {
      cli = startCli([
        '--log-format',
        'json',
        'capture',
        '--pattern',
        '320x240@30=cams/front',
        '--pattern',
        '256x144@30=cams/rear,hue=165,encoder=ffmpeg',
        '--input',
        '-=replay',
        '--encoder',
        'wasm',
        '--preset',
        'ultrafast',
        '--serve',
        '127.0.0.1:0',
        '--save',
        save,
        '--recording-id',
        'e2e-several-serve',
      ]);
      camera = pipedCamera(cli.child.stdin, 270);
      const [url] = await cli.waitFor(/^http:\/\/127\.0\.0\.1:\d+$/m, 'stdout');

      const front = patternPalette(0);
      const rear = patternPalette(165);
      const replay = patternPalette(270);
      const palettes = {
        front: ownColours(front, [rear, replay]),
        rear: ownColours(rear, [front, replay]),
        replay: ownColours(replay, [front, rear]),
      };
      for (const [name, palette] of Object.entries(palettes)) {
        expect(Object.keys(palette).length, `${name}'s own colours`).toBeGreaterThanOrEqual(3);
      }

      const open = async (): Promise<{ page: Page; watch: ReturnType<typeof watchPage> }> => {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        pages.push(page);
        const watch = watchPage(page);
        await page.goto(url!);
        return { page, watch };
      };
      const { page: first, watch: firstWatch } = await open();
      await showsEachSource(first, palettes, 'capture-several-serve');

      // A viewer that opens later gets each entity's replay from its last keyframe: all three views too. (The
      // first closes: two viewers decoding three videos each are more than a busy 2-core machine keeps up with.)
      await first.close();
      const { page: late, watch: lateWatch } = await open();
      await showsEachSource(late, palettes, 'capture-several-late-joiner');

      // The piped camera stops: its source ends in one line, and the other two go on.
      const before = await poll(
        'the time range',
        async () => (await timeRange(late, 'e2e-several-serve')) ?? undefined,
      );
      camera.stop();
      const [ended] = await cli.waitFor(
        /^\{[^\n]*"event":"source-ended"[^\n]*"entity":"replay"[^\n]*$/m,
        'stderr',
      );
      const replayFrames = (JSON.parse(ended!) as { frames: number }).frames;
      const atEnd = await poll(
        'the time range',
        async () => (await timeRange(late, 'e2e-several-serve')) ?? undefined,
      );
      expect(atEnd.max).toBeGreaterThanOrEqual(before.max);
      await poll('the time range to grow after the end', async () => {
        const range = await timeRange(late, 'e2e-several-serve');
        return range !== null && range.max >= atEnd.max + 1.5e9 ? range : undefined;
      });
      // The viewer's range runs behind the recording by its latency, and the slower encoder's entity behind the
      // faster one's: wait until the recording itself holds 1.5 s more of both others after the camera's last frame.
      await poll('1.5 s more of the other sources saved after the piped camera ended', async () => {
        const replay = savedTimesSoFar(save, '/replay');
        if (replay.length < replayFrames) return undefined;
        const after = replay.at(-1)! + 1_500_000_000n;
        const others = ['/cams/front', '/cams/rear'].map((e) => savedTimesSoFar(save, e).at(-1));
        return others.every((t) => t !== undefined && t > after) ? others : undefined;
      });
      expect(cli.output().stderr).not.toMatch(/"event":"source-failed"/);

      cli.child.kill('SIGINT');
      const result = await cli.done;
      expect(result.code, result.stderr).toBe(0);
      const summaries = byEntity(result.stderr, 'source-summary');
      expect([...summaries.entries()].map(([e, s]) => [e, s.outcome])).toEqual([
        ['cams/front', 'stopped'],
        ['cams/rear', 'stopped'],
        ['replay', 'ended'],
      ]);
      const replayTimes = checkEntity(save, '/replay', { width: 160, height: 120 });
      for (const [entity, size] of [
        ['/cams/front', { width: 320, height: 240 }],
        ['/cams/rear', { width: 256, height: 144 }],
      ] as const) {
        const times = checkEntity(save, entity, size);
        // Recorded on for at least 1.5 s after the piped camera ended.
        expect(times.at(-1)!, entity).toBeGreaterThan(replayTimes.at(-1)! + 1_500_000_000n);
      }
      for (const watch of [firstWatch, lateWatch]) {
        expect(watch.problems()).toEqual([]);
        expect(watch.pageErrors).toEqual([]);
      }
    } finally {
      camera?.stop();
      if (cli !== undefined && cli.child.exitCode === null) cli.child.kill('SIGKILL');
      for (const page of pages) if (!page.isClosed()) await page.close();
    }
  });
});
