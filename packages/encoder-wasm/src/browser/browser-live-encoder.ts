import { errorMessage } from '@camstream/core/media';
import { EncoderError } from '../errors.js';
import { warmupRun } from '../ffmpeg/warmup.js';
import { LIVE_INPUT, LIVE_OUTPUT } from '../live/live-protocol.js';
import { throwIfAbortedBeforeOpen } from '../live/live-session.js';
import { checkCount, LiveWorkerEncoder, type LiveWorkerEncoderSetup } from '../live/live-worker-encoder.js';
import { encodeArgs, resolveOptions } from '../options.js';
import { BrowserWorkerLink } from './browser-worker-link.js';
import { loadCoreModule } from './core-module.js';
import { FrameRing } from './frame-ring.js';
import { type BrowserWorkerInit, SEGMENT_INPUT, SEGMENT_OUTPUT } from './protocol.js';
import type { BrowserEncoderMode, BrowserLiveEncoderOptions, BrowserLiveEncoderStats } from './types.js';

function pickMode(wanted: BrowserLiveEncoderOptions['mode']): BrowserEncoderMode {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  if (wanted === 'ring' && !isolated) {
    throw new EncoderError(
      'invalid-options',
      "mode 'ring' needs a cross-origin isolated page (COOP same-origin + COEP require-corp) for SharedArrayBuffer; use mode 'auto' or 'segments'",
    );
  }
  if (wanted === 'ring' || wanted === 'segments') return wanted;
  if (wanted !== undefined && wanted !== 'auto')
    throw new EncoderError(
      'invalid-options',
      `mode must be 'auto', 'ring' or 'segments', got ${String(wanted)}`,
    );
  return isolated ? 'ring' : 'segments';
}

/** Starts this package's module worker: from `workerURL`, else from the literal form bundlers rewrite. */
function startWorker(workerURL: string | URL | undefined): Worker {
  return workerURL
    ? new Worker(workerURL, { type: 'module', name: 'camstream-encoder' })
    : new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'camstream-encoder' });
}

/**
 * Live H.264 encoder in a browser module Web Worker running the single-thread `@ffmpeg/core`. Isolated pages get
 * `ring` mode (one long exec fed through a `SharedArrayBuffer`, byte-identical to an offline encode, one sample
 * out per frame in); others get `segments` mode (one exec per N-frame IDR-led segment). Implements core's
 * `Encoder`; samples carry their input frame's PTS (FIFO: no B-frames). The shared part is
 * {@link LiveWorkerEncoder}, the browser part {@link BrowserWorkerLink}.
 */
export class BrowserLiveEncoder extends LiveWorkerEncoder {
  /** The feeding mode that runs. */
  readonly mode: BrowserEncoderMode;

  private constructor(mode: BrowserEncoderMode, setup: LiveWorkerEncoderSetup) {
    super(setup);
    this.mode = mode;
  }

  /**
   * Compiles the core's wasm from `wasmURL` (once per page: later encoders reuse the compiled module), then
   * starts the worker, which loads the core's JS from `coreURL`, warms up and starts the encoder. Throws
   * `invalid-options` for bad options, `core-unavailable` when a URL does not answer with the core (the message
   * says what it answered), `worker-crashed` when the worker script cannot run.
   */
  static async open(options: BrowserLiveEncoderOptions): Promise<BrowserLiveEncoder> {
    const resolved = resolveOptions(options);
    checkCount('maxQueuedFrames', options.maxQueuedFrames, 0);
    checkCount('segmentFrames', options.segmentFrames, 1);
    checkCount('ringSlots', options.ringSlots, 2);
    if (!options.coreURL || !options.wasmURL) {
      throw new EncoderError(
        'invalid-options',
        "coreURL and wasmURL are required: the URLs of @ffmpeg/core's dist/esm/ffmpeg-core.js and ffmpeg-core.wasm",
      );
    }
    throwIfAbortedBeforeOpen(options.signal);
    const mode = pickMode(options.mode);
    const base = globalThis.location?.href;
    const wasmURL = new URL(options.wasmURL, base).href;
    let module: WebAssembly.Module;
    try {
      module = await loadCoreModule(wasmURL);
    } catch (error) {
      throw new EncoderError('core-unavailable', `could not load the ffmpeg core: ${errorMessage(error)}`, {
        cause: error,
      });
    }
    throwIfAbortedBeforeOpen(options.signal);
    const ring = mode === 'ring' ? FrameRing.create(options.ringSlots ?? 3, resolved.frameBytes) : undefined;
    const segmentFrames = options.segmentFrames ?? 3;
    const init: BrowserWorkerInit = {
      type: 'init',
      coreURL: new URL(options.coreURL, base).href,
      module,
      ring: ring ? { layout: ring.layout, args: encodeArgs(resolved, LIVE_INPUT, LIVE_OUTPUT) } : undefined,
      segmentArgs: mode === 'segments' ? encodeArgs(resolved, SEGMENT_INPUT, SEGMENT_OUTPUT) : undefined,
      warmup: warmupRun(resolved, options.warmup !== false),
    };
    const worker = startWorker(options.workerURL);
    const encoder = new BrowserLiveEncoder(mode, {
      options: resolved,
      // Segments mode collects a segment in the queue: that is not back-pressure.
      maxQueuedFrames: (options.maxQueuedFrames ?? 2) + (mode === 'segments' ? segmentFrames : 0),
      whenFull: options.whenFull ?? 'drop-oldest',
      onDrop: options.onDrop,
      // Ring mode signals each frame's end after its one packet (zerolatency); segments arrive whole.
      firstSliceOnly: mode === 'ring' && resolved.tune === 'zerolatency',
      link: (session) =>
        new BrowserWorkerLink(session, worker, init, {
          ring,
          segmentFrames,
          frameBytes: resolved.frameBytes,
        }),
    });
    await encoder.start(options.signal);
    return encoder;
  }

  /** Counters: mode, frames in, encoded, dropped, samples out, restarts, ffmpeg runs. */
  override stats(): BrowserLiveEncoderStats {
    return { mode: this.mode, ...super.stats(), execs: this.runsEnded };
  }
}
