import type { CameraSourceRequest, EncoderKind, SourceKind } from './session-options.js';

/** Life cycle of a {@link CaptureSession}. */
export type SessionState = 'idle' | 'starting' | 'running' | 'stopping' | 'disposed';

/** Why the camera was replaced by the test pattern. */
export type FallbackReason =
  /** The user or the page's permission policy refused the camera. */
  | 'permission-denied'
  /** No camera is connected (or none matches the requested device). */
  | 'no-camera'
  /** The camera exists but could not be started (in use elsewhere, hardware error, constraints). */
  | 'camera-error'
  /** This page cannot ask for a camera at all (no `mediaDevices`: not a secure context, or an old browser). */
  | 'unsupported';

/** What a `fallback` event carries. */
export interface FallbackInfo {
  readonly reason: FallbackReason;
  /** A sentence for the user: what happened and what to do. */
  readonly message: string;
  /** The camera that was asked for. */
  readonly requested: CameraSourceRequest;
}

/** The source a running session captures from ({@link CaptureSession.source}). */
export interface ActiveSource {
  readonly kind: SourceKind;
  /** The camera's label, the track's label (or the one given), or `test pattern`. */
  readonly label: string;
  /** The camera's device id (`undefined` for the test pattern). */
  readonly deviceId: string | undefined;
  /** Frame size delivered, pixels (even; what the encoder gets). */
  readonly width: number;
  readonly height: number;
  /** Frames per second asked of the source. */
  readonly frameRate: number;
  /**
   * How frames are read: `track-processor` (`MediaStreamTrackProcessor`), `video-element`, `canvas`, or
   * `rendered` (made in memory, as the test pattern is).
   */
  readonly reader: 'track-processor' | 'video-element' | 'canvas' | 'rendered';
  /** Why this is the test pattern although a camera was asked for (`undefined` otherwise). */
  readonly fallback: FallbackInfo | undefined;
}

/** The encoder a running session uses ({@link CaptureSession.encoder}). */
export interface ActiveEncoder {
  readonly kind: EncoderKind;
  /** Codec string, e.g. `avc1.42E01E`. */
  readonly codec: string;
  /** Target bitrate, bit/s. */
  readonly bitrate: number;
  /** Frames between keyframes. */
  readonly keyframeInterval: number;
  /** Why this backend was picked (e.g. `auto: WebCodecs has an H.264 encoder`). */
  readonly why: string;
}

/** Numbers a `stats` event carries; rates are over the last {@link CaptureStats.windowMs}. */
export interface CaptureStats {
  /** The recording these numbers belong to. */
  readonly recordingId: string;
  /** The entity the camera's video is logged on (`entityPath`), which tells the cameras of a recording apart. */
  readonly entityPath: string;
  /** Frames per second the source delivered. */
  readonly captureFps: number;
  /** Samples per second the encoder produced. */
  readonly encodeFps: number;
  /** Median time from frame captured to sample logged, ms (`undefined` before the first sample). */
  readonly encodeLatencyMs: number | undefined;
  /** 95th percentile of the same, ms. */
  readonly encodeLatencyP95Ms: number | undefined;
  /** 99th percentile of the same, ms (over a 2 s window of 30 fps that is the worst sample but one). */
  readonly encodeLatencyP99Ms: number | undefined;
  /** Encoded bit/s. */
  readonly bitrate: number;
  /** Frames captured since the recording started. */
  readonly framesCaptured: number;
  /** Samples logged since the recording started. */
  readonly framesEncoded: number;
  /** Frames dropped since the recording started (encoder behind, or source slots missed). */
  readonly droppedFrames: number;
  /** Encoded bytes since the recording started. */
  readonly bytes: number;
  /** The averaging window of the rates, ms. */
  readonly windowMs: number;
}

/**
 * What a `recording` event carries: the session's video goes to `recordingId` on `entityPath` from now on (a
 * start or a switch).
 */
export interface RecordingInfo {
  readonly recordingId: string;
  /** The entity the video is logged on. */
  readonly entityPath: string;
  /**
   * `true`: a new recording began (a session with its own `sinks`: every start and switch). `false`: the session
   * logs into a `SharedRecording`, which goes on; this camera's stream (re)starts at a keyframe of the new
   * encoder on the same entity, its time going on, and the other cameras are untouched.
   */
  readonly newRecording: boolean;
  readonly source: ActiveSource;
  readonly encoder: ActiveEncoder;
}
