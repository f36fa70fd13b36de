// The ffmpeg.wasm encoder (GPL-2.0-or-later, x264): its worker, and @ffmpeg/core's JS and wasm as assets.
// Vite turns the `?worker&url` imports into module-worker chunks and gives their URLs; the session takes them as
// assets (the packages export their workers as subpaths so any bundler can find them).
import ffmpegWorkerURL from '@camstream/encoder-wasm/browser/worker?worker&url';
import {
  CaptureSession,
  type CaptureStats,
  type RrdChannel,
  SharedRecording,
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

/** What a camera of the demo captures: a browser camera (`deviceId` undefined: the default one), or the test pattern. */
export type DemoSource =
  | { readonly kind: 'camera'; readonly deviceId: string | undefined }
  | { readonly kind: 'test-pattern' };

/** Options of {@link DemoSession.start}: the page's form, resolved. */
export interface DemoSessionOptions {
  readonly channel: RrdChannel;
  /** The first camera. */
  readonly source: DemoSource;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly backend: BackendChoice;
  /** Target bitrate, bit/s. */
  readonly bitrate: number;
  /** x264 preset (wasm backend only). */
  readonly preset: string;
  /** Called if a camera's capturing, encoding or logging fails while running; that camera has stopped. */
  readonly onError: (error: unknown, camera: DemoCamera) => void;
}

/** Stats events kept per camera: ten minutes at two a second. */
const MAX_HISTORY = 1200;

/** Cameras one demo session takes at most (each has an encoder worker of its own). */
export const MAX_CAMERAS = 3;

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

/** One camera of a demo session: a `CaptureSession` on its own entity of the session's `SharedRecording`. */
export class DemoCamera {
  readonly entityPath: string;
  readonly codec: string;
  readonly backend: string;
  readonly sourceLabel: string;
  readonly fallbackReason: string | undefined;
  readonly fromCamera: boolean;
  /** The browser camera's device id (`undefined` for the test pattern). */
  readonly deviceId: string | undefined;
  readonly width: number;
  readonly height: number;
  readonly #session: CaptureSession;
  /** The session's `stats` events so far (bounded), for benchmarks and tests through `window.camstreamDemo`. */
  readonly #history: CaptureStats[] = [];

  constructor(session: CaptureSession) {
    const source = session.source;
    const encoder = session.encoder;
    if (source === undefined || encoder === undefined)
      throw new Error('the capture session started without a source or an encoder');
    this.#session = session;
    this.entityPath = session.entityPath;
    this.codec = encoder.codec;
    this.backend = encoder.kind;
    this.sourceLabel = source.label;
    this.fallbackReason = source.fallback?.message;
    this.fromCamera = source.kind === 'camera';
    this.deviceId = source.deviceId;
    this.width = source.width;
    this.height = source.height;
    session.addEventListener('stats', (event) => {
      this.#history.push(event.detail);
      if (this.#history.length > MAX_HISTORY) this.#history.shift();
    });
  }

  /** Whether the camera still streams (not removed, not failed). */
  get running(): boolean {
    return this.#session.state === 'running';
  }

  /** Every `stats` event of this camera (the last {@link MAX_HISTORY}). */
  statsEvents(): readonly CaptureStats[] {
    return this.#history;
  }

  stats(): StreamStats {
    return toStreamStats(this.#session.stats);
  }

  /** Stops the camera and gives its entity back; the other cameras and the recording go on. */
  async remove(): Promise<void> {
    await this.#session.dispose();
  }
}

/**
 * One Start…Stop of the demo: a `SharedRecording` of `@camstream/web` logged into the embedded viewer, with one
 * `CaptureSession` per camera (camera or test pattern, encoder in a worker of its own) on `cameras/1`, `cameras/2`,
 * `cameras/3`. Cameras can be added and removed while it runs without restarting the others.
 */
export class DemoSession {
  readonly recordingId: string;
  /** The camera Start opened (the stats panel's), kept after it is removed. */
  readonly first: DemoCamera;
  readonly #recording: SharedRecording;
  readonly #options: DemoSessionOptions;
  readonly #cameras = new Map<string, DemoCamera>();

  static async start(options: DemoSessionOptions): Promise<DemoSession> {
    const recording = new SharedRecording({
      sinks: [viewerSink(options.channel)],
      applicationId: 'camstream_demo',
    });
    try {
      const first = await openCamera(recording, options, 'cameras/1', options.source);
      return new DemoSession(recording, options, first);
    } catch (error) {
      await recording.close();
      throw error;
    }
  }

  private constructor(recording: SharedRecording, options: DemoSessionOptions, first: DemoCamera) {
    this.#recording = recording;
    this.#options = options;
    this.recordingId = recording.recordingId;
    this.first = first;
    this.#cameras.set(first.entityPath, first);
  }

  /** The cameras streaming into the recording, in the order they were added. */
  cameras(): DemoCamera[] {
    return [...this.#cameras.values()];
  }

  /** Adds a camera on the first free `cameras/N`; throws when {@link MAX_CAMERAS} already stream. */
  async addCamera(source: DemoSource): Promise<DemoCamera> {
    let n = 1;
    while (this.#cameras.has(`cameras/${n}`)) n++;
    if (n > MAX_CAMERAS) throw new Error(`The demo takes at most ${MAX_CAMERAS} cameras; remove one first.`);
    const camera = await openCamera(this.#recording, this.#options, `cameras/${n}`, source);
    this.#cameras.set(camera.entityPath, camera);
    return camera;
  }

  /** Removes one camera; the others go on in the same recording. */
  async removeCamera(entityPath: string): Promise<void> {
    const camera = this.#cameras.get(entityPath);
    if (camera === undefined) return;
    this.#cameras.delete(entityPath);
    await camera.remove();
  }

  /** The first camera's numbers (the stats panel's). */
  stats(): StreamStats {
    return this.first.stats();
  }

  /** Stops every camera and closes the recording (it stays in the viewer). */
  async stop(): Promise<void> {
    await this.#recording.close();
    await Promise.all(this.cameras().map((camera) => camera.remove()));
    this.#cameras.clear();
  }
}

/** Opens and starts one camera's session on `entityPath` of `recording`. */
async function openCamera(
  recording: SharedRecording,
  options: DemoSessionOptions,
  entityPath: string,
  source: DemoSource,
): Promise<DemoCamera> {
  const session = await CaptureSession.create({
    recording,
    entityPath,
    source:
      source.kind === 'camera'
        ? {
            kind: 'camera',
            ...(source.deviceId !== undefined && { deviceId: source.deviceId }),
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
    statsIntervalMs: 500,
    wasm: loadWasmEncoder,
    assets: { webcodecsWorkerURL, i420WorkerURL, ...WASM_ASSETS },
  });
  try {
    await session.start();
    const camera = new DemoCamera(session);
    session.addEventListener('error', (event) => options.onError(event.detail, camera));
    return camera;
  } catch (error) {
    await session.dispose();
    throw error;
  }
}
