// The ffmpeg.wasm encoder (GPL-2.0-or-later, x264): its worker, and @ffmpeg/core's JS and wasm as assets.
// Vite turns the `?worker&url` imports into module-worker chunks and gives their URLs; the session takes them as
// assets (the packages export their workers as subpaths so any bundler can find them).
import ffmpegWorkerURL from '@camstream/encoder-wasm/browser/worker?worker&url';
import {
  CaptureSession,
  type CaptureStats,
  type RrdChannel,
  viewerSink,
  type WasmEncoderModule,
} from '@camstream/web';
import i420WorkerURL from '@camstream/web/i420-worker?worker&url';
import webcodecsWorkerURL from '@camstream/web/webcodecs-worker?worker&url';
import ffmpegWasmURL from '@ffmpeg/core/wasm?url';
import ffmpegCoreURL from '@ffmpeg/core?url';
import type { StreamStats } from '../stats.js';

/** The ffmpeg.wasm encoder's asset URLs as this build serves them. */
export const WASM_ASSETS = { ffmpegWorkerURL, ffmpegCoreURL, ffmpegWasmURL } as const;

/**
 * Loads the ffmpeg.wasm encoder (`@camstream/encoder-wasm/browser`). Injected: only this app pulls the GPL
 * encoder in; @camstream/web itself stays MIT. The cast: @camstream/web types `preset` as a string, the encoder
 * as its X264Preset union; the page's preset picker offers only x264 presets.
 */
export const loadWasmEncoder = (): Promise<WasmEncoderModule> =>
  import('@camstream/encoder-wasm/browser') as Promise<unknown> as Promise<WasmEncoderModule>;

/** Which encoder the user asked for. */
export type BackendChoice = 'auto' | 'webcodecs' | 'wasm';

/** Options of {@link DemoSession.start}: the page's form, resolved. */
export interface DemoSessionOptions {
  readonly channel: RrdChannel;
  /** A camera (`deviceId` undefined: the default one), or the test pattern. */
  readonly source:
    | { readonly kind: 'camera'; readonly deviceId: string | undefined }
    | { readonly kind: 'test-pattern' };
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly backend: BackendChoice;
  /** Target bitrate, bit/s. */
  readonly bitrate: number;
  /** x264 preset (wasm backend only). */
  readonly preset: string;
  /** Called if capturing, encoding or logging fails while running; the session has stopped. */
  readonly onError: (error: unknown) => void;
}

/** Stats events kept per session: ten minutes at two a second. */
const MAX_HISTORY = 1200;

function toStreamStats(stats: CaptureStats | undefined): StreamStats {
  return {
    frames: stats?.framesEncoded ?? 0,
    captureFps: stats?.captureFps ?? 0,
    fps: stats?.encodeFps ?? 0,
    kbps: (stats?.bitrate ?? 0) / 1000,
    latencyMs: stats?.encodeLatencyMs,
    dropped: stats?.droppedFrames ?? 0,
  };
}

/**
 * One Start…Stop of the demo: a `CaptureSession` of `@camstream/web` (camera or test pattern, encoder in a
 * worker, a new recording logged into the embedded viewer), with what the page shows about it.
 */
export class DemoSession {
  readonly recordingId: string;
  readonly codec: string;
  readonly backend: string;
  readonly sourceLabel: string;
  readonly fallbackReason: string | undefined;
  readonly fromCamera: boolean;
  readonly width: number;
  readonly height: number;
  readonly #session: CaptureSession;
  /** The session's `stats` events so far (bounded), for benchmarks and tests through `window.camstreamDemo`. */
  readonly #history: CaptureStats[] = [];

  static async start(options: DemoSessionOptions): Promise<DemoSession> {
    const session = await CaptureSession.create({
      source:
        options.source.kind === 'camera'
          ? {
              kind: 'camera',
              ...(options.source.deviceId !== undefined && { deviceId: options.source.deviceId }),
              width: options.width,
              height: options.height,
              frameRate: options.fps,
            }
          : { kind: 'test-pattern', width: options.width, height: options.height, frameRate: options.fps },
      encoder: {
        kind: options.backend,
        bitrate: options.bitrate,
        keyframeInterval: options.fps * 2,
        preset: options.preset,
      },
      sinks: [() => viewerSink(options.channel)],
      applicationId: 'camstream_demo',
      statsIntervalMs: 500,
      wasm: loadWasmEncoder,
      assets: { webcodecsWorkerURL, i420WorkerURL, ...WASM_ASSETS },
    });
    session.addEventListener('error', (event) => options.onError(event.detail));
    await session.start();
    return new DemoSession(session);
  }

  private constructor(session: CaptureSession) {
    const source = session.source;
    const encoder = session.encoder;
    const recordingId = session.recordingId;
    if (source === undefined || encoder === undefined || recordingId === undefined)
      throw new Error('the capture session started without a source, an encoder or a recording');
    this.#session = session;
    this.recordingId = recordingId;
    this.codec = encoder.codec;
    this.backend = encoder.kind;
    this.sourceLabel = source.label;
    this.fallbackReason = source.fallback?.message;
    this.fromCamera = source.kind === 'camera';
    this.width = source.width;
    this.height = source.height;
    session.addEventListener('stats', (event) => {
      this.#history.push(event.detail);
      if (this.#history.length > MAX_HISTORY) this.#history.shift();
    });
  }

  /** Every `stats` event of this session (the last {@link MAX_HISTORY}). */
  statsEvents(): readonly CaptureStats[] {
    return this.#history;
  }

  stats(): StreamStats {
    return toStreamStats(this.#session.stats);
  }

  async stop(): Promise<void> {
    await this.#session.dispose();
  }
}
