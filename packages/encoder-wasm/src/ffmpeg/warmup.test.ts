// The warm-up on the real core: every synthetic frame reaches x264, and nothing is left in MEMFS.
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../options.js';
import { CoreRunner } from './core-runner.js';
import { runWarmup, WARMUP_INPUT, WARMUP_OUTPUT, warmupRun } from './warmup.js';
import { loadCoreAssets } from './wasm-module.js';

describe('runWarmup', () => {
  it('encodes all its frames through a device and leaves no file behind', async () => {
    const assets = await loadCoreAssets();
    const runner = await CoreRunner.create(assets.module, assets.stack);
    const o = resolveOptions({ width: 320, height: 240, fpsNum: 30, preset: 'ultrafast' });
    const run = warmupRun(o);
    expect(warmupRun(o, false)).toBeUndefined();
    if (run === undefined) throw new Error('no warm-up run');
    const result = runWarmup(runner, run);
    expect(result).toMatchObject({ framesRead: run.frames, exitCode: 0 });
    expect(run.frames).toBeGreaterThan(0);
    expect(result.ms).toBeGreaterThan(0);
    expect(runner.core.FS.analyzePath(WARMUP_INPUT).exists).toBe(false);
    expect(runner.core.FS.analyzePath(WARMUP_OUTPUT).exists).toBe(false);
  }, 60_000);
});
