// Live worker entry: one long-running ffmpeg run per stream (restarted only for a keyframe request), frames in
// through a blocking device, Annex B out through another. Runs as built JS (dist/live-worker.js) or, in the
// workspace, as TypeScript through tsx (decision 0007).
import { parentPort, workerData } from 'node:worker_threads';
import { CoreRunner } from '../ffmpeg/core-runner.js';
import { BlockingInputDevice, mountOutputDevice } from '../ffmpeg/devices.js';
import { runWarmup } from '../ffmpeg/warmup.js';
import { LIVE_INPUT, LIVE_OUTPUT, type LiveWorkerData, type LiveWorkerMessage } from './protocol.js';

const data = workerData as LiveWorkerData;
const port = parentPort;
if (!port) throw new Error('live-worker must run in a worker thread');
const post = (message: LiveWorkerMessage, transfer?: ArrayBuffer[]): void =>
  port.postMessage(message, transfer ?? []);

const runner = await CoreRunner.create(data.assets.module, data.assets.stack);
const fs = runner.core.FS;

// Warm-up: a short offline encode at the stream's size so the JIT has tiered up before the first real frame.
const warmupMs = data.warmup ? runWarmup(runner, data.warmup).ms : 0;

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
