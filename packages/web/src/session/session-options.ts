import type { Sink } from '@camstream/core/media';
import type { WasmEncoderModule } from '../encoder/wasm/wasm-module.js';
import type { SharedRecording } from './shared-recording.js';

/** Where a session's frames come from. */
export type SourceKind = 'camera' | 'test-pattern' | 'track';

/** A camera through `getUserMedia`. Sizes and rate are ideals the camera may round. */
export interface CameraSourceRequest {
  readonly kind: 'camera';
  /** `MediaDeviceInfo.deviceId` (see {@link listCameras}); the browser's default camera when absent. */
  readonly deviceId?: string;
  /** Ideal width in pixels (default 640). */
  readonly width?: number;
  /** Ideal height in pixels (default 480). */
  readonly height?: number;
  /** Ideal frames per second (default 30). */
  readonly frameRate?: number;
  /**
   * How frames are read (default `auto`: `MediaStreamTrackProcessor` where the browser has it, else a
   * `<video>` element with `requestVideoFrameCallback`).
   */
  readonly reader?: 'auto' | 'track-processor' | 'video-element';
}

/** The moving test pattern (`CanvasTestPattern`): what a session shows when there is no camera. */
export interface TestPatternSourceRequest {
  readonly kind: 'test-pattern';
  /** Width in pixels (default 640). */
  readonly width?: number;
  /** Height in pixels (default 480). */
  readonly height?: number;
  /** Frames per second (default 30). */
  readonly frameRate?: number;
  /**
   * Draw each frame's capture time into it (default `false`), so that glass-to-glass latency can be measured
   * on a screenshot of the viewer: a black-and-white barcode band across the top (an eighth of the height, at
   * least 24 rows) holding the wall clock in whole milliseconds, which core's `readTimeStamp`
   * (`@camstream/core/media`) reads back. The time is `Date.now()` taken as the frame is drawn, and the same
   * value is the frame's `log_time` in the recording, so the picture and the viewer's `log_time` agree to the
   * millisecond. Needs a width of at least 80 pixels.
   */
  readonly stamp?: boolean;
}

/**
 * Frames of a video `MediaStreamTrack` the app already has: a canvas's or a `<video>`'s `captureStream()`, a
 * camera it opened itself, a WebRTC track. The session reads a clone of it and stops only the clone, so the
 * app's track keeps running. No fallback: a track that cannot be read fails `start()`.
 */
export interface TrackSourceRequest {
  readonly kind: 'track';
  /** A live video track. */
  readonly track: MediaStreamTrack;
  /** What `session.source.label` says (default the track's own label, or `track`). */
  readonly label?: string;
  /** Width to assume where the track's settings do not say (default 640). */
  readonly width?: number;
  /** Height to assume where the track's settings do not say (default 480). */
  readonly height?: number;
  /** Frame rate to assume where the track's settings do not say (default 30). */
  readonly frameRate?: number;
  /** How frames are read, as for a camera (default `auto`). */
  readonly reader?: 'auto' | 'track-processor' | 'video-element';
}

/** What to capture from. */
export type SourceRequest = CameraSourceRequest | TestPatternSourceRequest | TrackSourceRequest;

/** An encoder backend that actually runs. */
export type EncoderKind = 'webcodecs' | 'wasm';

/** What the app asks for: a backend, or `auto` (WebCodecs when it can encode H.264, else wasm if injected). */
export type EncoderChoice = EncoderKind | 'auto';

/** Encoder settings of a session. */
export interface EncoderRequest {
  /** Backend (default `auto`). */
  readonly kind?: EncoderChoice;
  /** Target bitrate in bit/s (default 0.1 bit per pixel per frame). */
  readonly bitrate?: number;
  /** A keyframe every this many frames (default two seconds' worth). */
  readonly keyframeInterval?: number;
  /** x264 preset for the wasm backend (default the encoder's own, `ultrafast` for live use). */
  readonly preset?: string;
}

/** Where a session finds its workers and the injected encoder's assets; defaults suit Vite and plain ESM. */
export interface SessionAssets {
  /** Module URL of the WebCodecs encoder worker (default: `webcodecs-worker.js` beside this package). */
  readonly webcodecsWorkerURL?: string | URL;
  /** Module URL of the frame-to-I420 worker of the wasm backend (default: `i420-worker.js` beside this package). */
  readonly i420WorkerURL?: string | URL;
  /**
   * `@ffmpeg/core`'s ESM JS (`dist/esm/ffmpeg-core.js`), for `BrowserLiveEncoder.open`; required for the wasm
   * backend. With Vite: `import ffmpegCoreURL from '@ffmpeg/core?url'`.
   */
  readonly ffmpegCoreURL?: string | URL;
  /** `@ffmpeg/core`'s `.wasm`; required for the wasm backend. With Vite: `import u from '@ffmpeg/core/wasm?url'`. */
  readonly ffmpegWasmURL?: string | URL;
  /** `BrowserLiveEncoder`'s worker URL (default: the encoder's own lookup beside its module). */
  readonly ffmpegWorkerURL?: string | URL;
}

/**
 * Makes one sink for one recording. A session with its own recordings calls every factory again for each new
 * recording (each start or switch), and the recording closes the sinks it was given when it ends.
 */
export type SinkFactory = () => Sink;

/**
 * Options of {@link CaptureSession.create}. A session logs into recordings of its own (`sinks`) or, as one
 * camera of several, into a {@link SharedRecording} (`recording` with an `entityPath`): exactly one of the two.
 */
export interface CaptureSessionOptions {
  /** What to capture (default: the default camera at 640x480, 30 fps). */
  readonly source?: SourceRequest;
  /** Encoder settings (default `{ kind: 'auto' }`). */
  readonly encoder?: EncoderRequest;
  /**
   * Sinks of each recording of its own, e.g. `[() => viewerSink(viewer.open_channel('camstream'))]` and/or
   * `[() => publishSink(url, { WebSocket })]`. At least one; not with `recording`.
   */
  readonly sinks?: readonly SinkFactory[];
  /**
   * The recording this camera logs into together with other cameras (their sessions), instead of recordings of
   * its own: a start or switch then restarts this camera's stream on its `entityPath` (required, and no other
   * camera's, nor a parent or child of one) and leaves the recording and the other cameras as they are. The
   * recording's sinks, application id and timeline apply; `sinks`, `applicationId` and `timeline` are refused.
   */
  readonly recording?: SharedRecording;
  /**
   * Loads `@camstream/encoder-wasm/browser` (GPL-2.0-or-later) when the `wasm` backend is wanted:
   * `wasm: () => import('@camstream/encoder-wasm/browser')`. Without it only WebCodecs is available.
   */
  readonly wasm?: () => Promise<WasmEncoderModule>;
  /** Worker and encoder asset URLs, for bundlers that need them spelled out. */
  readonly assets?: SessionAssets;
  /**
   * Application id of the recordings (default `camstream_web`): letters, digits, `_ - [ ] :` and space, at
   * most 180 bytes (newer Rerun viewers rename any other id); anything else is an `invalid-argument` error.
   */
  readonly applicationId?: string;
  /**
   * Entity the video is logged on (default `video_stream`, as in Rerun's camera_video_stream example; required
   * with `recording`, e.g. `cameras/front`).
   */
  readonly entityPath?: string;
  /** Timeline the samples are logged on (default `time`, a duration from 0 per recording). */
  readonly timeline?: string;
  /** How often a `stats` event fires while running, ms (default 1000). */
  readonly statsIntervalMs?: number;
  /**
   * The sliding window the rates and latency quantiles of a `stats` event are computed over, ms (default 2000).
   * Longer windows smooth the numbers and give the p99 more samples.
   */
  readonly statsWindowMs?: number;
  /**
   * Fall back to the test pattern when the camera cannot be opened (default true). With `false`, `start()`
   * rejects with the camera's `WebError` instead.
   */
  readonly fallbackToTestPattern?: boolean;
  /** Frames allowed in flight inside the encoder before new frames are dropped (default 2: live, never queue). */
  readonly maxFramesInFlight?: number;
  /**
   * Also log each frame's numbers as `Scalars` into the recording, as the CLI's `--stats` does (default false:
   * plots change the viewer's layout): `encode_latency_ms`, `frame_bytes`, `bitrate_kbps`, `fps` and
   * `dropped_frames` under `stats/<entityPath>/` on a shared recording, under `stats/` in a recording of its own.
   */
  readonly logStats?: boolean;
}
