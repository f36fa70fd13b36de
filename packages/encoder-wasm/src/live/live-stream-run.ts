import type { CoreExec } from '../ffmpeg/core-exec.js';
import { type FrameInputDevice, mountOutputDevice } from '../ffmpeg/frame-device.js';
import { runWarmup, type WarmupRun } from '../ffmpeg/warmup.js';
import { LIVE_INPUT, LIVE_OUTPUT, type LiveWorkerMessage } from './live-protocol.js';

/** Posts a message to the main thread, moving the buffers in `transfer`. */
export type PostLiveMessage = (message: LiveWorkerMessage, transfer?: ArrayBuffer[]) => void;

/** Runs the warm-up, if there is one, and tells the main thread the worker is ready. */
export function warmUpAndReady(exec: CoreExec, warmup: WarmupRun | undefined, post: PostLiveMessage): void {
  // A short offline encode at the stream's size, so the JIT has tiered up before the first real frame.
  post({ type: 'ready', warmupMs: warmup ? runWarmup(exec, warmup).ms : 0 });
}

/**
 * The worker side of a live stream, on any platform: ffmpeg reads frames from `input` at LIVE_INPUT and writes
 * Annex B to LIVE_OUTPUT, whose bytes are posted as they come. One long exec, restarted (for an IDR) only when
 * the input ends with a `restart` marker; returns when a run ends for good (a `close` marker or a failure).
 * Blocks the worker for the whole stream. `input` posts `frame-end` itself (its frames come the platform's way).
 */
export function runLiveStream(
  exec: CoreExec,
  input: FrameInputDevice,
  args: readonly string[],
  post: PostLiveMessage,
): void {
  input.mount(exec.core.FS, LIVE_INPUT, 0);
  mountOutputDevice(exec.core.FS, LIVE_OUTPUT, 1, (bytes) =>
    post({ type: 'data', bytes }, [bytes.buffer as ArrayBuffer]),
  );
  for (;;) {
    const t0 = performance.now();
    const { exitCode, logTail } = exec.exec(args);
    const restart = input.endedBy === 'restart' && exitCode === 0;
    post({ type: 'run-end', exitCode, logTail, restart, runMs: performance.now() - t0 });
    if (!restart) return;
    input.rearm();
  }
}
