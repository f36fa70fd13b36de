import { TIME_STAMP_LAYOUT } from '@camstream/core/media';
import { WebError } from '../errors.js';
import { checkedApplicationId } from './application-id.js';
import type {
  CaptureSessionOptions,
  EncoderChoice,
  EncoderRequest,
  SinkFactory,
  SourceRequest,
} from './session-options.js';
import { SharedRecording } from './shared-recording.js';

/** A {@link SourceRequest} with every default filled in and checked. */
export type ResolvedSource =
  | {
      readonly kind: 'camera';
      readonly deviceId: string | undefined;
      readonly width: number;
      readonly height: number;
      readonly frameRate: number;
      readonly reader: 'auto' | 'track-processor' | 'video-element';
    }
  | {
      readonly kind: 'test-pattern';
      readonly width: number;
      readonly height: number;
      readonly frameRate: number;
      /** Draw each frame's capture time into it (`TestPatternSourceRequest.stamp`). */
      readonly stamp: boolean;
    }
  | {
      readonly kind: 'track';
      readonly track: MediaStreamTrack;
      readonly label: string | undefined;
      readonly width: number;
      readonly height: number;
      readonly frameRate: number;
      readonly reader: 'auto' | 'track-processor' | 'video-element';
    };

/** An {@link EncoderRequest} with defaults filled in (bitrate and keyframe interval depend on the source). */
export interface ResolvedEncoder {
  readonly kind: EncoderChoice;
  readonly bitrate: number | undefined;
  readonly keyframeInterval: number | undefined;
  readonly preset: string | undefined;
}

const DEFAULT_WIDTH = 640;
const DEFAULT_HEIGHT = 480;
const DEFAULT_FRAME_RATE = 30;

function invalid(message: string): WebError {
  return new WebError('invalid-argument', message);
}

function checkSize(what: string, value: number): number {
  if (!Number.isInteger(value) || value < 16 || value > 4096 || value % 2 !== 0) {
    throw invalid(`source ${what} must be an even whole number of pixels from 16 to 4096, got ${value}`);
  }
  return value;
}

/**
 * Fills in and checks a source request (640x480 at 30 fps by default; sizes even, 16–4096; rate 1–120; a track
 * source's sizes and rate only where its track does not say; a test pattern's `stamp` a boolean, default
 * false, on a width of 80 or more).
 */
export function resolveSource(request: SourceRequest | undefined): ResolvedSource {
  const r = request ?? { kind: 'camera' };
  if (r.kind !== 'camera' && r.kind !== 'test-pattern' && r.kind !== 'track') {
    throw invalid(
      `source kind must be "camera", "test-pattern" or "track", got ${JSON.stringify((r as { kind: unknown }).kind)}`,
    );
  }
  const width = checkSize('width', r.width ?? DEFAULT_WIDTH);
  const height = checkSize('height', r.height ?? DEFAULT_HEIGHT);
  const frameRate = r.frameRate ?? DEFAULT_FRAME_RATE;
  if (!(Number.isFinite(frameRate) && frameRate >= 1 && frameRate <= 120)) {
    throw invalid(`source frameRate must be a number from 1 to 120, got ${frameRate}`);
  }
  if (r.kind === 'test-pattern') {
    const stamp = r.stamp ?? false;
    if (typeof stamp !== 'boolean') throw invalid(`source stamp must be true or false, got ${String(stamp)}`);
    if (stamp && width < TIME_STAMP_LAYOUT.modules) {
      throw invalid(
        `a stamped test pattern must be at least ${TIME_STAMP_LAYOUT.modules} pixels wide (one per module of its band), got ${width}`,
      );
    }
    return { kind: 'test-pattern', width, height, frameRate, stamp };
  }
  const reader = r.reader ?? 'auto';
  if (reader !== 'auto' && reader !== 'track-processor' && reader !== 'video-element') {
    throw invalid(
      `camera reader must be "auto", "track-processor" or "video-element", got ${JSON.stringify(reader)}`,
    );
  }
  if (r.kind === 'track') {
    const track = r.track as Partial<MediaStreamTrack> | undefined;
    if (typeof track?.clone !== 'function' || track.kind !== 'video') {
      throw invalid(
        'a "track" source needs track: a video MediaStreamTrack, e.g. canvas.captureStream(30).getVideoTracks()[0]',
      );
    }
    return { kind: 'track', track: r.track, label: r.label, width, height, frameRate, reader };
  }
  return { kind: 'camera', deviceId: r.deviceId, width, height, frameRate, reader };
}

/** Fills in and checks encoder settings (bitrate > 0, keyframe interval a whole number ≥ 1). */
export function resolveEncoder(request: EncoderRequest | undefined): ResolvedEncoder {
  const kind = request?.kind ?? 'auto';
  if (kind !== 'auto' && kind !== 'webcodecs' && kind !== 'wasm') {
    throw invalid(`encoder kind must be "auto", "webcodecs" or "wasm", got ${JSON.stringify(kind)}`);
  }
  const bitrate = request?.bitrate;
  if (bitrate !== undefined && !(Number.isFinite(bitrate) && bitrate >= 10_000)) {
    throw invalid(`encoder bitrate must be at least 10000 bit/s, got ${bitrate}`);
  }
  const keyframeInterval = request?.keyframeInterval;
  if (keyframeInterval !== undefined && !(Number.isInteger(keyframeInterval) && keyframeInterval >= 1)) {
    throw invalid(`encoder keyframeInterval must be a whole number of frames ≥ 1, got ${keyframeInterval}`);
  }
  return { kind, bitrate, keyframeInterval, preset: request?.preset };
}

/** Bitrate and keyframe interval for a source: 0.1 bit per pixel per frame, a keyframe every two seconds. */
export function encoderDefaults(
  encoder: ResolvedEncoder,
  source: { width: number; height: number; frameRate: number },
): { bitrate: number; keyframeInterval: number } {
  return {
    bitrate: encoder.bitrate ?? Math.round(source.width * source.height * source.frameRate * 0.1),
    keyframeInterval: encoder.keyframeInterval ?? Math.max(1, Math.round(source.frameRate * 2)),
  };
}

/** The session options apart from source and encoder, with defaults, checked. */
export interface ResolvedSessionOptions {
  readonly applicationId: string;
  readonly entityPath: string;
  readonly timeline: string;
  readonly statsIntervalMs: number;
  readonly statsWindowMs: number;
  readonly fallbackToTestPattern: boolean;
  readonly maxFramesInFlight: number;
  readonly logStats: boolean;
  /** The shared recording the session logs into, or `undefined` for recordings of its own (`sinks`). */
  readonly recording: SharedRecording | undefined;
  /** The sink factories of its own recordings (empty with `recording`). */
  readonly sinks: readonly SinkFactory[];
}

/** With `recording`: the recording's, so `sinks`, `applicationId` and `timeline` must not be given. */
function checkShared(options: CaptureSessionOptions, recording: SharedRecording): void {
  if (!(recording instanceof SharedRecording)) {
    throw invalid(
      'recording must be a SharedRecording from @camstream/web, e.g. new SharedRecording({ sinks })',
    );
  }
  for (const key of ['sinks', 'applicationId', 'timeline'] as const) {
    if (options[key] !== undefined) {
      throw invalid(
        `${key} cannot be given with recording: the SharedRecording has them (pass ${key} to new SharedRecording instead)`,
      );
    }
  }
  if (typeof options.entityPath !== 'string') {
    throw invalid(
      'a session on a SharedRecording needs its own entityPath, e.g. "cameras/front", so that its video and stats stand apart from the other cameras\'',
    );
  }
}

/** Checks the sinks (or the shared recording) and fills in the rest of {@link CaptureSessionOptions}. */
export function resolveSessionOptions(options: CaptureSessionOptions): ResolvedSessionOptions {
  const recording = options.recording;
  if (recording !== undefined) checkShared(options, recording);
  else if (
    !Array.isArray(options.sinks) ||
    options.sinks.length === 0 ||
    options.sinks.some((s) => typeof s !== 'function')
  ) {
    throw invalid(
      'sinks must be a non-empty array of functions that each make a Sink, e.g. [() => viewerSink(channel)] (or give a SharedRecording as recording)',
    );
  }
  const statsIntervalMs = options.statsIntervalMs ?? 1000;
  if (!(Number.isFinite(statsIntervalMs) && statsIntervalMs >= 100)) {
    throw invalid(`statsIntervalMs must be at least 100 ms, got ${statsIntervalMs}`);
  }
  const statsWindowMs = options.statsWindowMs ?? 2000;
  if (!(Number.isFinite(statsWindowMs) && statsWindowMs >= 100)) {
    throw invalid(`statsWindowMs must be at least 100 ms, got ${statsWindowMs}`);
  }
  const maxFramesInFlight = options.maxFramesInFlight ?? 2;
  if (!(Number.isInteger(maxFramesInFlight) && maxFramesInFlight >= 1)) {
    throw invalid(`maxFramesInFlight must be a whole number ≥ 1, got ${maxFramesInFlight}`);
  }
  if (options.wasm !== undefined && typeof options.wasm !== 'function') {
    throw invalid(
      "wasm must be a function that imports the encoder, e.g. () => import('@camstream/encoder-wasm/browser')",
    );
  }
  const applicationId = checkedApplicationId(options.applicationId);
  const logStats = options.logStats ?? false;
  if (typeof logStats !== 'boolean') throw invalid(`logStats must be true or false, got ${String(logStats)}`);
  return {
    applicationId,
    entityPath: options.entityPath ?? 'video_stream',
    timeline: recording?.timeline ?? options.timeline ?? 'time',
    statsIntervalMs,
    statsWindowMs,
    fallbackToTestPattern: options.fallbackToTestPattern ?? true,
    maxFramesInFlight,
    logStats,
    recording,
    sinks: recording === undefined ? [...(options.sinks ?? [])] : [],
  };
}
