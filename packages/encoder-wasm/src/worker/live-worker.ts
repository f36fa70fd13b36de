// Live worker entry: one long-running ffmpeg run per stream (restarted only for a keyframe request), frames in
// through a blocking device, Annex B out through another. Runs as built JS (dist/live-worker.js) or, in the
// workspace, as TypeScript through tsx (decision 0007).
import { parentPort, workerData } from 'node:worker_threads';
import { CoreRunner } from '../ffmpeg/core-runner.js';
import { BlockingInputDevice, mountOutputDevice } from '../ffmpeg/devices.js';
import { freeBytes } from '../ffmpeg/free-buffer.js';
import {
  LIVE_INPUT,
  LIVE_OUTPUT,
  type LiveWorkerData,
  type LiveWorkerMessage,
  WARMUP_INPUT,
  WARMUP_OUTPUT,
} from './protocol.js';

const data = workerData as LiveWorkerData;
const port = parentPort;
if (!port) throw new Error('live-worker must run in a worker thread');
const post = (message: LiveWorkerMessage, transfer?: ArrayBuffer[]): void =>
  port.postMessage(message, transfer ?? []);

const runner = await CoreRunner.create(data.assets.module, data.assets.stack);
const fs = runner.core.FS;

// Warm-up: a short offline encode at the stream's size so the JIT has tiered up before the first real frame.
let warmupMs = 0;
if (data.warmup) {
  const t0 = performance.now();
  const frames = new Uint8Array(data.warmup.frameBytes * data.warmup.frames);
  for (let i = 0; i < frames.length; i++) frames[i] = (i * 7 + (i >> 9)) & 0xff;
  fs.writeFile(WARMUP_INPUT, frames, { canOwn: true });
  runner.exec(data.warmup.args);
  runner.unlink(WARMUP_INPUT);
  runner.unlink(WARMUP_OUTPUT);
  // Unlinked, nothing refers to the frames: free them now rather than keep ~14 MB (720p) until a GC.
  freeBytes(frames);
  warmupMs = performance.now() - t0;
}

const input = new BlockingInputDevice(data.input, new Int32Array(data.signal), (consumed) =>
  post({ type: 'frame-end', consumed }),
);
input.mount(fs, LIVE_INPUT, 0);
mountOutputDevice(fs, LIVE_OUTPUT, 1, (bytes) =>
  post({ type: 'data', bytes }, [bytes.buffer as ArrayBuffer]),
);
post({ type: 'ready', warmupMs });

for (;;) {
  const t0 = performance.now();
  const { exitCode, logTail } = runner.exec(data.args);
  const restart = input.endedBy === 'restart' && exitCode === 0;
  post({ type: 'run-end', exitCode, logTail, restart, runMs: performance.now() - t0 });
  if (!restart) break;
  input.rearm();
}
data.input.close();
