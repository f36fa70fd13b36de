// Live worker entry: one long-running ffmpeg run per stream (restarted only for a keyframe request), frames in
// through a blocking device fed from a MessagePort, Annex B out through another. Runs as built JS
// (dist/live-worker.js) or, in the workspace, as TypeScript through tsx (decision 0007).
import { parentPort, workerData } from 'node:worker_threads';
import { CoreRunner } from '../ffmpeg/core-runner.js';
import { BlockingInputDevice } from '../ffmpeg/devices.js';
import { type PostLiveMessage, runLiveStream, warmUpAndReady } from '../live/live-stream-run.js';
import type { LiveWorkerData } from './protocol.js';

const data = workerData as LiveWorkerData;
const port = parentPort;
if (!port) throw new Error('live-worker must run in a worker thread');
const post: PostLiveMessage = (message, transfer) => port.postMessage(message, transfer ?? []);

const runner = await CoreRunner.create(data.assets.module, data.assets.stack);
warmUpAndReady(runner, data.warmup, post);
const input = new BlockingInputDevice(data.input, new Int32Array(data.signal), (consumed) =>
  post({ type: 'frame-end', consumed }),
);
runLiveStream(runner, input, data.args, post);
data.input.close();
