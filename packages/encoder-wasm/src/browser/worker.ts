// Browser module worker: instantiates @ffmpeg/core (its JS from the URL it is given, its wasm module compiled once
// per page by the main thread) and runs either one long exec fed from the shared frame ring (ring mode) or one
// exec per segment from MEMFS (segments mode).
import { errorMessage } from '@camstream/core/media';
import { CoreExec, instantiateCore } from '../ffmpeg/core-exec.js';
import { FrameInputDevice } from '../ffmpeg/frame-device.js';
import { findStackExports } from '../ffmpeg/stack-exports.js';
import { type PostLiveMessage, runLiveStream, warmUpAndReady } from '../live/live-stream-run.js';
import { FrameRing } from './frame-ring.js';
import {
  type BrowserWorkerInit,
  type BrowserWorkerRequest,
  SEGMENT_INPUT,
  SEGMENT_OUTPUT,
} from './protocol.js';

// The DOM lib types `self` as a Window; this is the part of a worker's global scope used here.
const scope = self as unknown as {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<BrowserWorkerRequest>) => void) | null;
};
const post: PostLiveMessage = (message, transfer) => scope.postMessage(message, transfer ?? []);

async function loadCore(init: BrowserWorkerInit): Promise<CoreExec> {
  const [js, imported] = await Promise.all([
    fetch(init.coreURL).then((r) => {
      if (!r.ok) throw new Error(`GET ${init.coreURL} answered ${r.status}; expected @ffmpeg/core's ESM JS`);
      return r.text();
    }),
    import(/* @vite-ignore */ init.coreURL) as Promise<{ default?: unknown }>,
  ]);
  if (typeof imported.default !== 'function')
    throw new Error(`${init.coreURL} has no default export; expected @ffmpeg/core's dist/esm/ffmpeg-core.js`);
  const factory = imported.default as (options: Record<string, unknown>) => Promise<unknown>;
  return new CoreExec(await instantiateCore(factory, init.module), findStackExports(js));
}

/** Ring mode: the live stream's input device reads the shared ring. Everything comes through it, no message. */
function runRing(exec: CoreExec, ring: NonNullable<BrowserWorkerInit['ring']>): void {
  const frames = FrameRing.attach(ring.layout);
  const input = new FrameInputDevice(
    () => frames.read(),
    (consumed) => {
      frames.release();
      post({ type: 'frame-end', consumed });
    },
  );
  runLiveStream(exec, input, ring.args, post);
}

function runSegment(exec: CoreExec, args: readonly string[], frames: Uint8Array, count: number): void {
  const t0 = performance.now();
  exec.core.FS.writeFile(SEGMENT_INPUT, frames);
  const { exitCode, logTail } = exec.exec(args);
  const bytes = exitCode === 0 ? exec.core.FS.readFile(SEGMENT_OUTPUT).slice() : new Uint8Array(0);
  exec.unlink(SEGMENT_INPUT);
  exec.unlink(SEGMENT_OUTPUT);
  post({ type: 'segment-done', bytes, count, exitCode, logTail, ms: performance.now() - t0 }, [
    bytes.buffer as ArrayBuffer,
  ]);
}

let exec: CoreExec | undefined;
let segmentArgs: readonly string[] | undefined;

scope.onmessage = (event) => {
  const request = event.data;
  if (request.type === 'segment') {
    if (exec && segmentArgs) runSegment(exec, segmentArgs, request.frames, request.count);
    return;
  }
  void (async () => {
    try {
      exec = await loadCore(request);
      segmentArgs = request.segmentArgs;
      warmUpAndReady(exec, request.warmup, post);
      if (request.ring) runRing(exec, request.ring);
    } catch (error) {
      post({ type: 'failed', message: errorMessage(error) });
    }
  })();
};
