import { encodeArgs, type ResolvedOptions } from '../options.js';
import type { CoreExec } from './core-exec.js';
import { FrameInputDevice } from './frame-device.js';

/** Input device path of the warm-up run. */
export const WARMUP_INPUT = '/warmup.yuv';
/** MEMFS output of the warm-up run. */
export const WARMUP_OUTPUT = '/warmup.h264';
/** Frames the warm-up encodes. */
const WARMUP_FRAMES = 8;

/** A warm-up run: ffmpeg arguments (WARMUP_INPUT → WARMUP_OUTPUT) and how many frames of what size. */
export interface WarmupRun {
  readonly args: readonly string[];
  readonly frameBytes: number;
  readonly frames: number;
}

/** The warm-up run for a stream with these options, sent to its worker (`undefined` when not `enabled`). */
export function warmupRun(options: ResolvedOptions, enabled = true): WarmupRun | undefined {
  if (!enabled) return undefined;
  return {
    args: encodeArgs(options, WARMUP_INPUT, WARMUP_OUTPUT),
    frameBytes: options.frameBytes,
    frames: WARMUP_FRAMES,
  };
}

/**
 * Fills `target` with warm-up noise: byte `j` is byte `offset + j` of one endless pattern, so frame `k` of a
 * run, written at `offset = k × frameBytes`, differs from the one before. Motion search and residual coding run,
 * not only skips.
 */
export function fillWarmupNoise(target: Uint8Array, offset: number): void {
  for (let j = 0; j < target.length; j++) {
    const i = offset + j;
    target[j] = (i * 7 + (i >> 9)) & 0xff;
  }
}

/** Minor number of the warm-up's input device (the live run's devices use 0 and 1). */
const WARMUP_MINOR = 2;

/** What a warm-up did: time, frames ffmpeg read, exit code (a failure shows again in the real run). */
export interface WarmupResult {
  readonly ms: number;
  readonly framesRead: number;
  readonly exitCode: number;
}

/**
 * Runs a short encode of synthetic frames at the stream's size so the JIT has tiered up before the first real
 * frame. The frames are made one at a time into one buffer and read through a device at WARMUP_INPUT (not a
 * MEMFS file of all of them: at 720p that is an 11 MB allocation the process would keep).
 */
export function runWarmup(exec: CoreExec, run: WarmupRun): WarmupResult {
  const t0 = performance.now();
  const frame = new Uint8Array(run.frameBytes);
  let made = 0;
  const device = new FrameInputDevice(
    () => {
      if (made === run.frames) return { end: 'close' };
      fillWarmupNoise(frame, made++ * run.frameBytes);
      return { frame };
    },
    () => {},
  );
  device.mount(exec.core.FS, WARMUP_INPUT, WARMUP_MINOR);
  const { exitCode } = exec.exec(run.args);
  exec.unlink(WARMUP_INPUT);
  exec.unlink(WARMUP_OUTPUT);
  return { ms: performance.now() - t0, framesRead: device.framesConsumed, exitCode };
}
