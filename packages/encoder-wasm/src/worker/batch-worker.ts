// Batch worker entry (piscina): encodes one independent segment of raw frames per task, in MEMFS, with the
// same arguments as live mode. Runs as built JS (dist/batch-worker.js) or as TypeScript through tsx (decision 0007).
import { CoreRunner } from '../ffmpeg/core-runner.js';
import { BATCH_INPUT, BATCH_OUTPUT, type BatchResult, type BatchTask } from './protocol.js';

let runner: Promise<CoreRunner> | undefined;

/** Encodes `task.frames` into Annex B; never throws for an ffmpeg failure (the result says so). */
export default async function encodeSegment(task: BatchTask): Promise<BatchResult> {
  runner ??= CoreRunner.create(task.assets.module, task.assets.stack);
  const core = await runner;
  const t0 = performance.now();
  core.core.FS.writeFile(BATCH_INPUT, task.frames);
  try {
    const { exitCode, logTail } = core.exec(task.args);
    if (exitCode !== 0) return { ok: false, exitCode, logTail };
    const bytes = task.warmup ? new Uint8Array(0) : core.core.FS.readFile(BATCH_OUTPUT);
    // Encoded segments are small next to raw input: the structured-clone copy costs little.
    return { ok: true, bytes, ms: performance.now() - t0 };
  } finally {
    // MEMFS files persist between runs: never let one segment's bytes outlive its task.
    core.unlink(BATCH_INPUT);
    core.unlink(BATCH_OUTPUT);
  }
}
