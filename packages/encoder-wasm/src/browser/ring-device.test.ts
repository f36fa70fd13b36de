// The browser worker's input path (FrameRing → FrameInputDevice → ffmpeg) run in Node on the real core: one
// long exec fed from the ring, compared byte for byte with an encode of the same frames from a MEMFS file.
import { testPattern } from '@camstream/core/media';
import { concatBytes } from '@camstream/test-helpers/bytes';
import { describe, expect, it } from 'vitest';
import { CoreRunner } from '../ffmpeg/core-runner.js';
import { FrameInputDevice, mountOutputDevice } from '../ffmpeg/frame-device.js';
import { loadCoreAssets } from '../ffmpeg/wasm-module.js';
import { encodeArgs, resolveOptions } from '../options.js';
import { FrameRing } from './frame-ring.js';

const options = resolveOptions({ width: 64, height: 48, fpsNum: 30, gop: 10, preset: 'ultrafast' });
const frames = [...testPattern({ width: 64, height: 48, fpsNum: 30, frames: 25 })].map((f) => f.data);

describe('FrameRing feeding ffmpeg through FrameInputDevice', () => {
  it('one exec through a 3-slot ring equals an offline encode; every frame is reported consumed', async () => {
    const assets = await loadCoreAssets();
    const runner = await CoreRunner.create(assets.module, assets.stack);
    const ring = FrameRing.create(3, options.frameBytes);
    let given = 0;
    const consumedReports: number[] = [];
    // Producer and consumer share this thread: refill the ring whenever ffmpeg asks for a frame.
    const device = new FrameInputDevice(
      () => {
        while (given < frames.length && ring.hasRoom) ring.tryWrite(frames[given++] as Uint8Array);
        if (given === frames.length && ring.hasRoom && ring.size === 0) ring.tryWriteEnd('close');
        return ring.read();
      },
      (consumed) => {
        ring.release();
        consumedReports.push(consumed);
      },
    );
    device.mount(runner.core.FS, '/dev/ring-in', 0);
    const out: Uint8Array[] = [];
    mountOutputDevice(runner.core.FS, '/dev/ring-out', 1, (bytes) => out.push(bytes));
    const live = runner.exec(encodeArgs(options, '/dev/ring-in', '/dev/ring-out'));
    expect(live).toMatchObject({ exitCode: 0 });
    expect(device.endedBy).toBe('close');
    expect(consumedReports).toEqual(frames.map((_, i) => i + 1));

    runner.core.FS.writeFile('/in.yuv', concatBytes(frames));
    expect(runner.exec(encodeArgs(options, '/in.yuv', '/out.h264'))).toMatchObject({ exitCode: 0 });
    const offline = runner.core.FS.readFile('/out.h264');
    expect(offline.length).toBeGreaterThan(100);
    expect(Buffer.from(concatBytes(out)).equals(Buffer.from(offline))).toBe(true);
    // A guard, not a budget: compiling the ffmpeg core and two encodes took over vitest's 5 s on a busy machine.
  }, 60_000);
});
