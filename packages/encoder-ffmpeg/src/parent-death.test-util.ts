// Run as a child Node process by the tests: starts ffmpeg, lets a few samples come out, prints ffmpeg's pid and
// waits to be killed. With `--y4m FILE`, ffmpeg reads that file itself (held to real time), else frames go
// through its stdin. With `--exit-with FFMPEG`, that ffmpeg is started, and the process exits
// (`process.exit`) without closing it as soon as a line comes on its stdin.
import { FfmpegEncoder } from './ffmpeg-encoder.js';
import { FfmpegFileEncode } from './file-encode.js';
import { movingFrame } from './test-frames.test-util.js';

const size = { width: 160, height: 120, fpsNum: 30 };
const [mode, arg] = process.argv.slice(2);
let pid: number | undefined;
if (mode === '--exit-with') {
  const encoder = await FfmpegEncoder.open({ ...size, ffmpegPath: arg as string });
  encoder.encode(movingFrame(0));
  process.stdout.write(`${encoder.pid}\n`);
  // Exits when told, so that the test can see that ffmpeg runs first.
  process.stdin.once('data', () => process.exit(0));
} else if (mode === '--y4m') {
  const encode = await FfmpegFileEncode.start(
    { path: arg as string, container: 'y4m', frames: 300 },
    { ...size, encoderArgs: ['-vf', 'realtime'] },
  );
  const samples = encode.samples()[Symbol.asyncIterator]();
  for (let i = 0; i < 3; i++) await samples.next();
  pid = encode.pid;
} else {
  const encoder = await FfmpegEncoder.open(size);
  const samples = encoder.samples()[Symbol.asyncIterator]();
  for (let i = 0; i < 3; i++) {
    encoder.encode(movingFrame(i));
    await samples.next();
  }
  pid = encoder.pid;
}
if (pid !== undefined) {
  process.stdout.write(`${pid}\n`);
  setInterval(() => {}, 1000);
}
