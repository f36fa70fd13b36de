import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRrd } from '@camstream/core';
import { until } from '@camstream/test-helpers/until';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HarnessWindow, openViewer, poll } from '../harness/browser.js';
import { assertCliBuilt, realtimeCaptureArgs, servedPort, startCli } from '../harness/cli-process.js';
import { type Frame, readMessages, videoFrames } from '../harness/read-messages.js';
import { useViewerHarness } from '../harness/viewer-harness.js';

// `kill -9` of a live `camstream capture --save` at random moments, run as the built binary (decision 0014):
// every file loads, and holds every frame logged more than 0.5 s before the kill. What was logged, and when,
// is witnessed by a ReadMessages client on `--serve` (it gets every frame as it is logged, with its log_time),
// so a busy machine that logs late or drops frames cannot fake a loss or hide one.
const artifacts = join(import.meta.dirname, '..', 'test-results');
const viewer = useViewerHarness(artifacts);
let dir: string;

beforeAll(() => {
  assertCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'camstream-durability-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a live capture to `save` (and `--serve` for the witness), kills it `afterMs` after its first frame. */
async function killedCapture(
  save: string,
  recordingId: string,
  afterMs: number,
): Promise<{ killAtNs: bigint; logged: Frame[]; saved: Frame[]; errors: string[] }> {
  const cli = startCli(realtimeCaptureArgs(save, recordingId, ['--serve', '127.0.0.1:0']));
  try {
    const witness = readMessages(await servedPort(cli));
    await until('the first frame', () => videoFrames(witness.rrd()).length > 0);
    await new Promise((r) => setTimeout(r, afterMs));
    const killAtNs = BigInt(Date.now()) * 1_000_000n;
    cli.child.kill('SIGKILL');
    const result = await cli.done;
    expect(result.signal).toBe('SIGKILL');
    witness.cancel();
    const { errors } = decodeRrd(new Uint8Array(readFileSync(save)));
    return {
      killAtNs,
      logged: videoFrames(witness.rrd()),
      saved: videoFrames(new Uint8Array(readFileSync(save))),
      errors: errors.map((e) => e.code),
    };
  } finally {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
  }
}

describe('camstream capture --save killed with SIGKILL', () => {
  it('every file loads and holds every frame logged more than 0.5 s before the kill; the viewer opens one', async () => {
    // Three random moments between 1.5 and 5 s after the first frame (printed to reproduce a failure).
    const moments = Array.from({ length: 3 }, () => Math.round(1500 + Math.random() * 3500));
    console.log(`kill moments (ms after the first frame): ${moments.join(', ')}`);
    const kept: { path: string; recordingId: string; lastTime: bigint }[] = [];
    for (const [n, afterMs] of moments.entries()) {
      const save = join(dir, `killed-${n}.rrd`);
      const recordingId = `e2e-killed-${n}`;
      const { killAtNs, logged, saved, errors } = await killedCapture(save, recordingId, afterMs);
      // A torn last message at most (Rerun drops it; core's decoder reports rrd-truncated).
      expect(errors.length, `kill at ${afterMs} ms`).toBeLessThanOrEqual(1);
      for (const code of errors) expect(code).toBe('rrd-truncated');
      const old = logged.filter((f) => f.logTime < killAtNs - 500_000_000n);
      expect(old.length, `frames logged 0.5 s before the kill at ${afterMs} ms`).toBeGreaterThan(10);
      const inFile = new Set(saved.map((f) => f.time));
      const missing = old.filter((f) => !inFile.has(f.time));
      expect(missing, `frames lost by the kill at ${afterMs} ms`).toEqual([]);
      // The file has no holes: in order, and every witnessed frame up to its last one.
      const last = saved.at(-1)!.time;
      expect(saved.every((f, i) => i === 0 || f.time > saved[i - 1]!.time)).toBe(true);
      expect(logged.filter((f) => f.time <= last && !inFile.has(f.time))).toEqual([]);
      const lastLogged = saved.at(-1)!.logTime;
      console.log(
        `kill at ${afterMs} ms: ${saved.length} frames in the file, the last logged ${Number(killAtNs - lastLogged) / 1e6} ms before the kill`,
      );
      kept.push({ path: save, recordingId, lastTime: saved.at(-1)!.time });
    }

    // The real viewer loads one of the files (the last): our recording, its whole time range, no complaints.
    const file = kept.at(-1)!;
    const page = await openViewer(
      viewer.browser,
      viewer.server.url,
      viewer.server.serveFile('killed.rrd', file.path),
    );
    try {
      await poll('the recording to open', async () =>
        (await page.page.evaluate(() => (window as unknown as HarnessWindow).harness.activeRecording())) ===
        file.recordingId
          ? true
          : undefined,
      );
      const range = await poll('the time range', async () => {
        const r = await page.page.evaluate(() =>
          (window as unknown as HarnessWindow).harness.timeRange('time'),
        );
        return r !== null && r.max === Number(file.lastTime) ? r : undefined;
      });
      expect(range.min).toBe(0);
      expect(page.problems()).toEqual([]);
      expect(page.pageErrors).toEqual([]);
    } finally {
      await page.page.close();
    }
  }, 240_000);
});
