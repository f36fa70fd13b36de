import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, poll, watchPage } from '../harness/browser.js';
import { assertCliBuilt, startCli } from '../harness/cli-process.js';
import { readScreenStamp, ScreenRecorder, shownFrames } from '../harness/screen-recorder.js';

// Glass-to-glass latency stays bounded: `camstream capture --pattern 640x480@30,stamp --serve` (its default
// 100 ms batches) draws each frame's capture time into it, the hosted page's viewer (Chromium, software
// rendering) shows it, and the screen is read back through a CDP screencast. A guard against latency that
// grows without bound (a queue between the pattern and the screen), with a generous bound; `pnpm bench
// latency` measures it.
const artifacts = join(import.meta.dirname, '..', 'test-results');
const RUN_MS = 20_000;
/** The medians of the first and of the last this-long part of the run are compared. */
const END_MS = 5_000;
const MAX_DRIFT_MS = 1_000;

let browser: Browser;

beforeAll(async () => {
  assertCliBuilt();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('live latency into the hosted viewer', () => {
  it('capture --serve at 640x480, 30 fps: the frames on screen do not fall behind over 20 s', async () => {
    const cli = startCli(
      [
        ...['capture', '--pattern', '640x480@30,stamp', '--preset', 'ultrafast'],
        ...['--serve', '127.0.0.1:0'],
      ],
      { timeoutMs: 120_000 },
    );
    const [url] = await cli.waitFor(/^http:\/\/127\.0\.0\.1:\d+$/m, 'stdout');
    const page = await browser.newPage({ viewport: { width: 960, height: 720 } });
    const watch = watchPage(page);
    const recorder = await ScreenRecorder.start(page);
    try {
      await page.goto(url);
      // The run starts once the first stamped frame is on screen: the viewer's start-up is not latency.
      await poll(
        'the first stamped frame on the hosted page',
        async () => {
          return 'ms' in readScreenStamp(await page.screenshot()) ? true : undefined;
        },
        60_000,
      );
      const fromMs = Date.now();
      await new Promise((r) => setTimeout(r, RUN_MS));
      const toMs = Date.now();
      await recorder.stop();
      cli.child.kill('SIGINT');
      const result = await cli.done;
      expect(result.code).toBe(0);

      const reads = recorder.read(fromMs, toMs);
      const frames = shownFrames(reads);
      const head = frames.filter((f) => f.shownAtMs < fromMs + END_MS).map((f) => f.latencyMs);
      const tail = frames.filter((f) => f.shownAtMs > toMs - END_MS).map((f) => f.latencyMs);
      const summary = {
        reads: reads.length,
        misread: reads.filter((r) => r.stampMs === undefined).length,
        frames: frames.length,
        firstMedianMs: head.length > 0 ? median(head) : null,
        lastMedianMs: tail.length > 0 ? median(tail) : null,
      };
      writeFileSync(join(artifacts, 'live-latency.json'), `${JSON.stringify(summary, null, 2)}\n`);
      // Both ends of the run showed new frames, and the later ones are not much later than the first.
      expect(head.length, JSON.stringify(summary)).toBeGreaterThan(0);
      expect(tail.length, JSON.stringify(summary)).toBeGreaterThan(0);
      expect(median(tail) - median(head), JSON.stringify(summary)).toBeLessThanOrEqual(MAX_DRIFT_MS);
      expect(watch.problems()).toEqual([]);
    } finally {
      recorder.dispose();
      await page.close();
      if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
    }
  });
});
