// The memory run of the encoder benchmark (one live 720p stream, 18,000 frames pushed unpaced),
// in a fresh process on the *built* package, as a user's process runs it: plain JavaScript, so no TypeScript
// loader (tsx adds ~40 MB of RSS of its own) sits in the number. `encoder.bench.ts` spawns it and reads the
// JSON line it prints. Usage: node bench/encoder-memory.mjs <raw I420 1280x720 file> <frames in the file> <frames>
import { closeSync, openSync, readSync } from 'node:fs';
import { LiveEncoder } from '@camstream/encoder-wasm';

const [path, fileFramesArg, framesArg] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: encoder-memory.mjs <raw file> <frames in file> <frames>');
const fileFrames = Number(fileFramesArg);
const frames = Number(framesArg);
const [w, h] = [1280, 720];
const size = (w * h * 3) / 2;

const encoder = await LiveEncoder.open({
  width: w,
  height: h,
  fpsNum: 30,
  preset: 'ultrafast',
  gop: 30,
  whenFull: 'wait',
  transferFrames: true,
});
let samples = 0;
const reading = (async () => {
  for await (const _ of encoder.samples()) samples++;
})();
const opened = process.memoryUsage.rss();
let baseline = 0;
let peak = opened;
const timer = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
}, 50);
const t0 = performance.now();
const fd = openSync(path, 'r');
try {
  for (let sent = 0; sent < frames; sent++) {
    // A fresh buffer per frame, as a camera or decoder hands them out; the encoder takes it (transferFrames).
    const data = new Uint8Array(size);
    readSync(fd, data, 0, size, (sent % fileFrames) * size);
    await encoder.encode({
      format: 'I420',
      width: w,
      height: h,
      data,
      pts: (BigInt(sent) * 1_000_000_000n) / 30n,
      index: sent,
    });
    // Baseline after warm-up and one lap of the source frames (heap and wasm memory at steady state).
    if (sent + 1 === fileFrames) baseline = process.memoryUsage.rss();
  }
} finally {
  closeSync(fd);
}
await encoder.close();
await reading;
clearInterval(timer);
const end = process.memoryUsage.rss();
process.stdout.write(
  `${JSON.stringify({ frames, samples, opened, baseline, end, peak: Math.max(peak, end), seconds: (performance.now() - t0) / 1000 })}\n`,
);
