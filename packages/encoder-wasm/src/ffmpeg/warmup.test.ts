// The warm-up on the real core: every synthetic frame reaches x264, and nothing is left in MEMFS.
import { describe, expect, it } from 'vitest';
import { encodeArgs, resolveOptions } from '../options.js';
import { CoreRunner } from './core-runner.js';
import { runWarmup } from './warmup.js';
import { loadCoreAssets } from './wasm-module.js';

describe('runWarmup', () => {
  it('encodes all its frames through a device and leaves no file behind', async () => {
    const assets = await loadCoreAssets();
    const runner = await CoreRunner.create(assets.module, assets.stack);
    const o = resolveOptions({ width: 320, height: 240, fpsNum: 30, preset: 'ultrafast' });
    const run = { args: encodeArgs(o, '/warm.yuv', '/warm.h264'), frameBytes: o.frameBytes, frames: 6 };
    const result = runWarmup(runner, run, '/warm.yuv', '/warm.h264');
    expect(result).toMatchObject({ framesRead: 6, exitCode: 0 });
    expect(result.ms).toBeGreaterThan(0);
    expect(runner.core.FS.analyzePath('/warm.yuv').exists).toBe(false);
    expect(runner.core.FS.analyzePath('/warm.h264').exists).toBe(false);
  }, 60_000);
});
