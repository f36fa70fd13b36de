// Run as a child Node process by the tests: opens an encoder, encodes a few frames, prints ffmpeg's pid and
// waits to be killed.
import { FfmpegEncoder } from './ffmpeg-encoder.js';
import { movingFrame } from './test-frames.test-util.js';

const encoder = await FfmpegEncoder.open({ width: 160, height: 120, fpsNum: 30 });
const samples = encoder.samples()[Symbol.asyncIterator]();
for (let i = 0; i < 3; i++) {
  encoder.encode(movingFrame(i));
  await samples.next();
}
process.stdout.write(`${encoder.pid}\n`);
setInterval(() => {}, 1000);
