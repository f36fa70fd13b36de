/**
 * One batch encode by `FfmpegEncoder` in a process of its own, for `encoder.bench.ts`: the raw I420 frames of a
 * file, read one by one into the buffers of a pool that `releaseFrame` refills (as a camera's ring of buffers;
 * no copy), encoded with the settings of a bounded source at full speed (batch mode: `whenFull: 'wait'`, 8
 * frames in flight, the stream unflushed, 2 x264 threads).
 *
 * Timed from before `open()` (ffmpeg's start included, as in the native anchor's whole process) to the last
 * sample after `close()`; not Node's start or the module loading. CPU: this process's (`process.cpuUsage()`,
 * every thread) plus its ended children's, the ffmpeg runs (`/proc/self/stat`), over the same span.
 *
 * Usage: ffmpeg-encoder-batch.ts RAW WIDTH HEIGHT PRESET GOP FRAMES
 * Prints one JSON line: {"frames", "samples", "bytes", "seconds", "nodeCpuMs", "ffmpegCpuMs", "buffers"}.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { X264Preset } from '@camstream/core/media';
import { FfmpegEncoder } from '@camstream/encoder-ffmpeg';
import { procCpuMs } from './lib.js';

const [path, width, height, preset, gop, frames] = process.argv.slice(2);
if (frames === undefined)
  throw new Error('usage: ffmpeg-encoder-batch.ts RAW WIDTH HEIGHT PRESET GOP FRAMES');
const w = Number(width);
const h = Number(height);
const count = Number(frames);
const size = (w * h * 3) / 2;
const fd = openSync(path as string, 'r');

const spare: Buffer[] = [];
let buffers = 0;

const cpu0 = process.cpuUsage();
const children0 = procCpuMs().children;
const t0 = performance.now();
const encoder = await FfmpegEncoder.open({
  width: w,
  height: h,
  fpsNum: 30,
  preset: preset as X264Preset,
  gop: Number(gop),
  whenFull: 'wait',
  mode: 'batch',
  threads: 2,
  releaseFrame: (frame) => spare.push(frame.data as Buffer),
});
let samples = 0;
let bytes = 0;
const reading = (async () => {
  for await (const sample of encoder.samples()) {
    samples++;
    bytes += sample.data.length;
  }
})();
for (let index = 0; index < count; index++) {
  let data = spare.pop();
  if (data === undefined) {
    buffers++;
    // Uninitialised: the read fills it whole.
    data = Buffer.allocUnsafeSlow(size);
  }
  if (readSync(fd, data, 0, size, index * size) !== size)
    throw new Error(`${path}: short read at frame ${index}`);
  const pts = (BigInt(index) * 1_000_000_000n) / 30n;
  const wait = encoder.encode({ format: 'I420', width: w, height: h, data, pts, index });
  if (wait) await wait;
}
await encoder.close();
await reading;
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const ffmpegCpuMs = procCpuMs().children - children0;
closeSync(fd);
if (samples !== count) throw new Error(`FfmpegEncoder gave ${samples} samples for ${count} frames`);
console.log(
  JSON.stringify({
    frames: count,
    samples,
    bytes,
    seconds,
    nodeCpuMs: (cpu.user + cpu.system) / 1000,
    buffers,
    ffmpegCpuMs,
  }),
);
