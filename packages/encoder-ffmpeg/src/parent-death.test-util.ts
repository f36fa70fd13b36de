// Run as a child Node process by the tests: starts ffmpeg, lets a few samples come out, prints ffmpeg's pid and
// waits to be killed. With a Y4M path as its argument, ffmpeg reads that file itself (held to real time), else
// frames go through its stdin.
import { FfmpegEncoder } from './ffmpeg-encoder.js';
import { FfmpegFileEncode } from './file-encode.js';
import { movingFrame } from './test-frames.test-util.js';

const size = { width: 160, height: 120, fpsNum: 30 };
const file = process.argv[2];
let pid: number | undefined;
if (file === undefined) {
  const encoder = await FfmpegEncoder.open(size);
  const samples = encoder.samples()[Symbol.asyncIterator]();
  for (let i = 0; i < 3; i++) {
    encoder.encode(movingFrame(i));
    await samples.next();
  }
  pid = encoder.pid;
} else {
  const encode = await FfmpegFileEncode.start(
    { path: file, container: 'y4m', frames: 300 },
    { ...size, encoderArgs: ['-vf', 'realtime'] },
  );
  const samples = encode.samples()[Symbol.asyncIterator]();
  for (let i = 0; i < 3; i++) await samples.next();
  pid = encode.pid;
}
process.stdout.write(`${pid}\n`);
setInterval(() => {}, 1000);
