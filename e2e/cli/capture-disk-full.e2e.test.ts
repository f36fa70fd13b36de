import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRrd } from '@camstream/core';
import { until } from '@camstream/test-helpers/until';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, realtimeCaptureArgs, runCli, servedPort, startCli } from '../harness/cli-process.js';
import { readMessages, videoFrames } from '../harness/read-messages.js';

// `camstream capture --save` on a disk that fills up for real (a 128 KiB tmpfs, mounted by the test: root
// only, as in CI), run as the built binary (decision 0014): the file stops alone, is cut back to its last
// whole message, the live server goes on, one line says so, the summary counts it, and the run exits 1.
const isRoot = process.getuid?.() === 0;
let mount: string;

/** The file's messages decoded by core's decoder: it must load without any error (no torn tail). */
function loads(path: string): { messages: number; frames: bigint[] } {
  const bytes = new Uint8Array(readFileSync(path));
  const { messages, errors } = decodeRrd(bytes);
  expect(errors).toEqual([]);
  return { messages: messages.length, frames: videoFrames(bytes).map((f) => f.time) };
}

describe.skipIf(!isRoot)('camstream capture when the --save disk fills (needs root to mount a tmpfs)', () => {
  beforeAll(() => {
    assertCliBuilt();
    mount = mkdtempSync(join(tmpdir(), 'camstream-disk-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=128k', 'tmpfs', mount]);
  });

  afterAll(() => {
    if (mount === undefined) return;
    execFileSync('umount', ['-l', mount]); // lazy: a descriptor still open must not leave it mounted
    rmSync(mount, { recursive: true, force: true });
  });

  it('--save stops alone with one line; --serve keeps streaming to a viewer; the file loads; exit 1', async () => {
    const save = join(mount, 'full.rrd');
    const cli = startCli(realtimeCaptureArgs(save, 'e2e-disk-full', ['--serve', '127.0.0.1:0']));
    try {
      const viewer = readMessages(await servedPort(cli));
      const line = `camstream: stopped saving to ${save}: disk full; the live server keeps running`;
      await cli.waitFor(new RegExp(line.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')), 'stderr');
      // The viewer keeps getting frames after the disk filled: 1.5 s more of video.
      const atFailure = videoFrames(viewer.rrd()).length;
      await until('more frames for the viewer', () => videoFrames(viewer.rrd()).length >= atFailure + 45);
      cli.child.kill('SIGINT');
      const result = await cli.done;

      expect(result.code, result.stderr).toBe(1);
      const lines = result.stderr.split(/\r?\n|\r/);
      expect(lines.filter((l) => l === line)).toHaveLength(1);
      expect(result.stderr).not.toMatch(/^\s+at /m); // no stack trace
      expect(result.stderr).toMatch(
        new RegExp(
          `stopped: \\d+ frames .*, wrote ${save.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(\\d+ bytes\\); 1 output failed: saving to .* \\(disk full\\)`,
        ),
      );
      expect(lines.at(-2)).toMatch(
        /^camstream: the capture ended with a failed output: saving to .* \(disk full\)$/,
      );
      // The viewer's stream ended properly (an OK trailer), not cut off.
      expect(await viewer.ended).toMatchObject({ code: 0 });

      // Cut back to its last whole message: it loads without error, and holds the start of the recording.
      const file = loads(save);
      expect(file.frames.length).toBeGreaterThan(30);
      expect(statSync(save).size).toBeLessThanOrEqual(128 * 1024);
      const served = new Set(videoFrames(viewer.rrd()).map((f) => f.time));
      expect(file.frames.slice(-10).every((t) => served.has(t))).toBe(true);
    } finally {
      if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
    }
  });

  it('when the last output fails, the capture ends by itself (exit 1); --log-format json counts it', async () => {
    const save = join(mount, 'json.rrd');
    rmSync(join(mount, 'full.rrd'), { force: true });
    const result = await runCli([
      '--log-format',
      'json',
      'capture',
      '--encoder',
      'wasm',
      '--frames',
      '5000',
      '--size',
      '320x192',
      '--preset',
      'ultrafast',
      '--batch-rows',
      '5',
      '--save',
      save,
    ]);
    expect(result.code, result.stderr).toBe(1);
    const events = result.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const failed = events.filter((e) => e.event === 'sink-failed');
    expect(failed).toEqual([
      {
        level: 'error',
        event: 'sink-failed',
        message: `stopped saving to ${save}: disk full; nothing is left to record to, so the capture ends`,
        output: 'save',
        target: save,
        reason: 'disk full',
      },
    ]);
    const done = events.find((e) => e.event === 'done');
    expect(done).toMatchObject({ failedSinks: 1, saved: save });
    expect(done?.frames as number).toBeLessThan(5000); // it stopped early
    expect(events.at(-1)).toMatchObject({ level: 'error', event: 'runtime' });
    expect(loads(save).messages).toBeGreaterThan(2);
  });
});
