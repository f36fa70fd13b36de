// Batch worker entry (piscina): encodes one independent segment of raw frames per task, in MEMFS, with the
// same arguments as live mode. Runs as built JS (dist/batch-worker.js) or as TypeScript through tsx (decision 0007).
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { CoreRunner } from '../ffmpeg/core-runner.js';
import { BATCH_INPUT, BATCH_OUTPUT, type BatchResult, type BatchTask } from './protocol.js';

let runner: Promise<CoreRunner> | undefined;

/** Encodes `task.frames` into Annex B; never throws for an ffmpeg failure (the result says so). */
export default async function encodeSegment(task: BatchTask): Promise<BatchResult> {
  runner ??= CoreRunner.create(task.assets.module, task.assets.stack);
  const core = await runner;
  const t0 = performance.now();
  // canOwn: MEMFS reads the transferred segment in place instead of copying megabytes of raw frames.
  core.core.FS.writeFile(BATCH_INPUT, task.frames, { canOwn: true });
  let result: BatchResult;
  try {
    const { exitCode, logTail } = core.exec(task.args);
    if (exitCode !== 0) return { ok: false, exitCode, logTail };
    const bytes = task.warmup ? new Uint8Array(0) : core.core.FS.readFile(BATCH_OUTPUT);
    result = { ok: true, bytes, ms: performance.now() - t0 };
  } finally {
    // MEMFS files persist between runs: never let one segment's bytes outlive its task.
    core.unlink(BATCH_INPUT);
    core.unlink(BATCH_OUTPUT);
  }
  if (!task.returnFrames) return result;
  // Moving the input buffer back spares the caller a fresh zero-filled segment buffer (and its garbage).
  const { frames } = task;
  const movable = {
    [transferableSymbol]: [frames.buffer, result.bytes.buffer],
    [valueSymbol]: { ...result, frames },
  };
  return move(movable) as unknown as BatchResult;
}
