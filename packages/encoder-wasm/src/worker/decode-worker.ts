// Decode worker entry: one ffmpeg.wasm run that decodes a file (read in place through WORKERFS over the
// main thread's file descriptor) to raw I420 frames written to a character device, each paired with the
// demuxer's timestamp from `showinfo`'s log line. Back-pressure: the worker sleeps in `Atomics.wait` while
// `maxFramesAhead` frames wait for the consumer. Runs as built JS (dist/decode-worker.js) or, in the
// workspace, as TypeScript through tsx (decision 0007).
import { parentPort, workerData } from 'node:worker_threads';
import { EncoderError } from '../errors.js';
import { CoreRunner } from '../ffmpeg/core-runner.js';
import type { EmFS } from '../ffmpeg/core-types.js';
import { DecodeLogReader } from '../file/decode-log.js';
import {
  CONTROL_ABORT,
  CONTROL_CONSUMED,
  DECODE_INPUT_DIR,
  DECODE_OUTPUT,
  type DecodeWorkerData,
  type DecodeWorkerMessage,
} from '../file/decode-protocol.js';
import { FdBlob, installFileReaderSync } from '../file/fd-blob.js';
import { FrameAssembler } from '../file/frame-assembler.js';

/** The parts of Emscripten's FS this worker needs beyond what the encoders use. */
interface MountingFS extends EmFS {
  mkdir(path: string): void;
  mount(type: unknown, options: Record<string, unknown>, mountpoint: string): void;
  readonly filesystems: Record<string, unknown>;
}

const data = workerData as DecodeWorkerData;
const port = parentPort;
if (!port) throw new Error('decode-worker must run in a worker thread');
const post = (message: DecodeWorkerMessage, transfer?: ArrayBuffer[]): void =>
  port.postMessage(message, transfer ?? []);
const control = new Int32Array(data.control);

let posted = 0;
/** Blocks until the consumer is fewer than `maxFramesAhead` frames behind; throws when aborted. */
function waitForRoom(): void {
  for (;;) {
    if (Atomics.load(control, CONTROL_ABORT) !== 0)
      throw new EncoderError('aborted', 'the decode was aborted');
    const consumed = Atomics.load(control, CONTROL_CONSUMED);
    if (posted - consumed < data.maxFramesAhead) return;
    // Said before sleeping, so the main thread (and a test) can see the bound hold.
    post({ type: 'blocked', ahead: posted - consumed });
    Atomics.wait(control, CONTROL_CONSUMED, consumed);
  }
}

try {
  installFileReaderSync();
  const runner = await CoreRunner.create(data.assets.module, data.assets.stack);
  const fs = runner.core.FS as MountingFS;
  fs.mkdir(DECODE_INPUT_DIR);
  fs.mount(
    fs.filesystems.WORKERFS,
    { blobs: [{ name: data.inputName, data: new FdBlob(data.fd, 0, data.fileSize) }] },
    DECODE_INPUT_DIR,
  );
  const assembler = new FrameAssembler({ scale: data.scale, constantRate: data.constantRate }, (frame) => {
    waitForRoom();
    posted++;
    post({ type: 'frame', ...frame }, [frame.data.buffer as ArrayBuffer]);
  });
  const log = new DecodeLogReader(assembler, (info) => post({ type: 'info', info }), data.rawFrames);
  // Replaces CoreRunner's own logger: every line is needed here, not just a tail.
  runner.core.setLogger(({ message }) => log.line(message));
  const dev = fs.makedev(64, 2);
  fs.registerDevice(dev, {
    write: (_s, buffer, offset, length) => {
      assembler.write(new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length));
      return length;
    },
  });
  fs.mkdev(DECODE_OUTPUT, dev);
  const { exitCode } = runner.exec(data.args);
  log.sendInfo();
  if (exitCode === 0 && assembler.incomplete)
    throw new EncoderError(
      'encoder-failed',
      'ffmpeg ended in the middle of a frame (bytes and log lines unpaired)',
    );
  post({ type: 'end', exitCode, logTail: log.tail, damage: log.damage, frames: assembler.frames });
} catch (error) {
  const code = error instanceof EncoderError ? error.code : 'worker-crashed';
  post({ type: 'failed', code, message: (error as Error).message ?? String(error) });
}
