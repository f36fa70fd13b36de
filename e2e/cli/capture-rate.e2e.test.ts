import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, runCli } from '../harness/cli-process.js';
import { readSaved } from './capture-media.js';

// `camstream capture` asked for more frames per second than the machine makes, run as the built binary: it
// says so in one line while it runs, and the summary counts what was dropped and made late.
let dir: string;

beforeAll(() => {
  assertCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'camstream-capture-rate-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface LogLine {
  level: string;
  event: string;
  message: string;
  frames?: number;
  dropped?: number;
  late?: number;
}

describe('camstream capture that cannot keep its frame rate', () => {
  it('--fps 1000 --realtime at 1280x720: one warning line, and the summary counts the lost frames', async () => {
    const save = join(dir, 'fast.rrd');
    const result = await runCli([
      '--log-format',
      'json',
      'capture',
      '--encoder',
      'wasm',
      '--fps',
      '1000',
      '--realtime',
      '--size',
      '1280x720',
      '--duration',
      '4s',
      '--preset',
      'ultrafast',
      '--save',
      save,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as LogLine);
    const warnings = lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ event: 'behind' });
    expect(warnings[0]!.message).toMatch(/^cannot keep 1000 fps: \d+ frames per second encoded \(/);
    const done = lines.find((l) => l.event === 'done');
    expect(done?.message).toMatch(/\d+ frames \(\d+ keyframes, \d+ dropped(, \d+ late)?\)/);
    // 4000 frames were due; what was not encoded was dropped (late frames may be dropped too).
    expect((done?.frames ?? 0) + (done?.dropped ?? 0)).toBe(4000);
    expect((done?.dropped ?? 0) + (done?.late ?? 0)).toBeGreaterThan(done?.frames ?? 0);
    expect(readSaved(save).samples).toBe(done?.frames);
  });
});
