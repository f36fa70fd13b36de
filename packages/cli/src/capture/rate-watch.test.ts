import { join } from 'node:path';
import type { RawFrame } from '@camstream/core';
import { tempDir } from '@camstream/test-helpers/temp-dir';
import { describe, expect, it } from 'vitest';
import { capture } from './capture.js';
import { type PaceCounters, paced } from './frame-flow.js';
import type { CaptureProgress, CaptureWarning } from './options.js';
import { type RateShortfall, RateWatch } from './rate-watch.js';

// A live capture that cannot keep its frame rate says so once and counts what it lost: frames the encoder
// dropped, frames the paced pattern made late.
const dir = tempDir('camstream-rate-');

interface FeedState {
  readonly ms: number;
  readonly frames: number;
  readonly dropped: number;
}

/** Feeds a watch `perSecond` encoded frames and `lossPerSecond` dropped ones for `seconds`, from `start`. */
function feed(
  watch: RateWatch,
  options: { perSecond: number; lossPerSecond: number; seconds: number },
  start: FeedState = { ms: 0, frames: 0, dropped: 0 },
): FeedState {
  let state = start;
  for (let i = 1; i <= options.perSecond * options.seconds; i++) {
    const t = i / options.perSecond;
    state = {
      ms: start.ms + t * 1000,
      frames: start.frames + i,
      dropped: start.dropped + Math.floor(t * options.lossPerSecond),
    };
    watch.update(state.ms, { frames: state.frames, dropped: state.dropped, late: 0 });
  }
  return state;
}

/** Frames at `fps` from a source that takes `makeMs` to make each one. */
async function* slowSource(fps: number, count: number, makeMs: number): AsyncGenerator<RawFrame> {
  for (let index = 0; index < count; index++) {
    if (makeMs > 0) await new Promise((resolve) => setTimeout(resolve, makeMs));
    const pts = BigInt(Math.round((index * 1e9) / fps));
    yield { format: 'I420', width: 2, height: 2, data: new Uint8Array(6), pts, index };
  }
}

describe('RateWatch', () => {
  it('reports once when a second falls short by more than 10% and frames were lost', () => {
    const reports: RateShortfall[] = [];
    const watch = new RateWatch(1000, (s) => reports.push(s));
    feed(watch, { perSecond: 300, lossPerSecond: 700, seconds: 5 });
    expect(reports).toHaveLength(1);
    expect(reports[0]!.requestedFps).toBe(1000);
    expect(reports[0]!.fps).toBeCloseTo(300, 0);
    expect(reports[0]!.dropped).toBeGreaterThan(600);
  });

  it('does not report the warm-up second, a rate that is kept, or a shortfall that lost nothing', () => {
    const reports: RateShortfall[] = [];
    // Dropping during the first second only: the encoder warming up.
    const warmUp = new RateWatch(30, (s) => reports.push(s));
    const after = feed(warmUp, { perSecond: 20, lossPerSecond: 10, seconds: 1 });
    feed(warmUp, { perSecond: 30, lossPerSecond: 0, seconds: 3 }, after);
    // 29 of 30 frames a second: within 10%, though one is dropped each second.
    feed(new RateWatch(30, (s) => reports.push(s)), { perSecond: 29, lossPerSecond: 1, seconds: 4 });
    // A camera delivering 15 fps instead of its nominal 30 (low light) drops nothing.
    feed(new RateWatch(30, (s) => reports.push(s)), { perSecond: 15, lossPerSecond: 0, seconds: 4 });
    expect(reports).toEqual([]);
  });
});

describe('paced', () => {
  it('counts frames a source makes later than their time, and only those', async () => {
    const slow: PaceCounters = { late: 0 };
    let n = 0;
    // 100 fps asked, 50 ms a frame made: every frame after the first few is behind.
    for await (const _ of paced(slowSource(100, 12, 50), undefined, slow)) n++;
    expect(n).toBe(12);
    expect(slow.late).toBeGreaterThanOrEqual(9);
    const onTime: PaceCounters = { late: 0 };
    for await (const _ of paced(slowSource(10, 8, 0), undefined, onTime)) n++;
    expect(onTime.late).toBe(0);
  });

  it('lets the event loop run while it is behind', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    // A source that is always behind and never waits itself (the test pattern rendering too slowly).
    async function* busy(): AsyncGenerator<RawFrame> {
      for (let index = 0; index < 200; index++) {
        const until = performance.now() + 1;
        while (performance.now() < until) {} // 1 ms of work per frame, at 10000 fps asked
        yield {
          format: 'I420',
          width: 2,
          height: 2,
          data: new Uint8Array(6),
          pts: BigInt(index * 100_000),
          index,
        };
      }
    }
    for await (const _ of paced(busy(), undefined, { late: 0 })) {
    }
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(20);
  });
});

describe('capture() that cannot keep its rate', () => {
  it('warns once (behind) and counts the frames it dropped and made late', async () => {
    const stop = new AbortController();
    const safety = setTimeout(() => stop.abort(), 60_000);
    const warnings: CaptureWarning[] = [];
    let lastProgress: CaptureProgress | undefined;
    // 1000 fps of 1280x720: more than this encoder (or the pattern) makes on any machine.
    const summary = await capture({
      width: 1280,
      height: 720,
      fpsNum: 1000,
      realtime: true,
      preset: 'ultrafast',
      save: join(dir, 'behind.rrd'),
      signal: stop.signal,
      onWarning: (w) => {
        warnings.push(w);
        stop.abort();
      },
      onProgress: (p) => {
        lastProgress = p;
      },
    }).finally(() => clearTimeout(safety));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.code).toBe('behind');
    expect(warnings[0]!.message).toMatch(
      /^cannot keep 1000 fps: \d+ frames per second encoded \(.*(dropped by the encoder|made late by testsrc).*\); lower --fps or --size, or use a faster --preset$/,
    );
    expect(summary.dropped + summary.late).toBeGreaterThan(summary.frames);
    expect(lastProgress?.late).toBeLessThanOrEqual(summary.late);
  }, 90_000);

  it('a rate the machine keeps: no warning, nothing late or dropped', async () => {
    const warnings: CaptureWarning[] = [];
    const summary = await capture({
      width: 64,
      height: 48,
      fpsNum: 10,
      frames: 25,
      realtime: true,
      preset: 'ultrafast',
      save: join(dir, 'kept.rrd'),
      onWarning: (w) => warnings.push(w),
    });
    expect(warnings).toEqual([]);
    expect(summary).toMatchObject({ frames: 25, dropped: 0, late: 0 });
  }, 30_000);
});
