/**
 * One batch encode through the system ffmpeg in a process of its own, for `encoder.bench.ts`, in one of two ways:
 * - `pipe`: `FfmpegEncoder` on the raw I420 frames of a file, read one by one into the buffers of a pool that
 *   `releaseFrame` refills (as a camera's ring of buffers; no copy), encoded with the settings of a bounded
 *   source at full speed (batch mode: `whenFull: 'wait'`, 8 frames in flight, the stream unflushed);
 * - `file`: `FfmpegFileEncode` on a Y4M file, which ffmpeg reads itself (what `capture --input FILE.y4m` does).
 * With THREADS x264 threads (default 2).
 *
 * Timed from before the encoder starts (ffmpeg's start included, as in the native anchor's whole process) to the
 * last sample; not Node's start or the module loading. `steadySeconds`: from the arrival of sample STEADY_FROM
 * (counted from 0) to the last, the window `pyav_encode.py` times too (start-ups left out on both sides). CPU:
 * this process's (`process.cpuUsage()`, every thread) plus its ended children's, the ffmpeg runs
 * (`/proc/self/stat`), over the whole span.
 *
 * Usage: ffmpeg-encoder-batch.ts pipe|file PATH WIDTH HEIGHT PRESET GOP FRAMES [THREADS]
 * Prints one JSON line: {"frames", "samples", "bytes", "seconds", "steadySeconds", "steadyFrom", "nodeCpuMs",
 * "ffmpegCpuMs", "buffers"}.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { EncodedSample, X264Preset } from '@camstream/core/media';
import { FfmpegEncoder, FfmpegFileEncode } from '@camstream/encoder-ffmpeg';
import { procCpuMs } from './lib.js';

const [mode, path, width, height, preset, gop, frames, threads = '2'] = process.argv.slice(2);
if (frames === undefined || (mode !== 'pipe' && mode !== 'file'))
  throw new Error('usage: ffmpeg-encoder-batch.ts pipe|file PATH WIDTH HEIGHT PRESET GOP FRAMES [THREADS]');
/** As `pyav_encode.py`'s STEADY_FROM. */
const STEADY_FROM = 30;
const w = Number(width);
const h = Number(height);
const count = Number(frames);
const options = {
  width: w,
  height: h,
  fpsNum: 30,
  preset: preset as X264Preset,
  gop: Number(gop),
  threads: Number(threads),
};

let samples = 0;
let bytes = 0;
let steadyFrom = Number.NaN;
async function drain(all: AsyncIterable<EncodedSample>): Promise<void> {
  for await (const sample of all) {
    if (samples === STEADY_FROM) steadyFrom = performance.now();
    samples++;
    bytes += sample.data.length;
  }
}

/** Reads the raw file into pooled buffers and writes them to `FfmpegEncoder`; returns the buffers allocated. */
async function throughThePipe(raw: string): Promise<number> {
  const size = (w * h * 3) / 2;
  const fd = openSync(raw, 'r');
  const spare: Buffer[] = [];
  let buffers = 0;
  const encoder = await FfmpegEncoder.open({
    ...options,
    whenFull: 'wait',
    mode: 'batch',
    releaseFrame: (frame) => spare.push(frame.data as Buffer),
  });
  const reading = drain(encoder.samples());
  for (let index = 0; index < count; index++) {
    let data = spare.pop();
    if (data === undefined) {
      buffers++;
      // Uninitialised: the read fills it whole.
      data = Buffer.allocUnsafeSlow(size);
    }
    if (readSync(fd, data, 0, size, index * size) !== size)
      throw new Error(`${raw}: short read at frame ${index}`);
    const pts = (BigInt(index) * 1_000_000_000n) / 30n;
    const wait = encoder.encode({ format: 'I420', width: w, height: h, data, pts, index });
    if (wait) await wait;
  }
  await encoder.close();
  await reading;
  closeSync(fd);
  return buffers;
}

const cpu0 = process.cpuUsage();
const children0 = procCpuMs().children;
const t0 = performance.now();
let buffers = 0;
if (mode === 'pipe') buffers = await throughThePipe(path as string);
else
  await drain(
    (
      await FfmpegFileEncode.start({ path: path as string, container: 'y4m', frames: count }, options)
    ).samples(),
  );
const end = performance.now();
const seconds = (end - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const ffmpegCpuMs = procCpuMs().children - children0;
if (samples !== count) throw new Error(`${mode}: ${samples} samples for ${count} frames`);
console.log(
  JSON.stringify({
    frames: count,
    samples,
    bytes,
    seconds,
    steadySeconds: (end - steadyFrom) / 1000,
    steadyFrom: STEADY_FROM,
    nodeCpuMs: (cpu.user + cpu.system) / 1000,
    buffers,
    ffmpegCpuMs,
  }),
);
