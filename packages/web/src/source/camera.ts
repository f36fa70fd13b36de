import { WebError } from '../errors.js';
import type { CameraSourceRequest } from '../session/session-options.js';
import { type CameraFailure, describeCameraFailure, noMediaDevices } from './camera-errors.js';
import type { FrameSource } from './frame-source.js';
import { hasTrackProcessor, TrackProcessorSource } from './track-processor-source.js';
import { VideoElementSource } from './video-element-source.js';

/** A camera the browser offers (labels are empty until the user has granted camera access once). */
export interface CameraDevice {
  readonly deviceId: string;
  readonly label: string;
  readonly groupId: string;
}

/** Thrown by {@link openCamera}: the camera cannot be used; `failure` says why, in a sentence for the user. */
export class CameraError extends WebError {
  /** Why, sorted for the fallback. */
  readonly failure: CameraFailure;

  constructor(failure: CameraFailure, cause?: unknown) {
    super(
      failure.reason === 'permission-denied'
        ? 'permission-denied'
        : failure.reason === 'unsupported'
          ? 'unsupported'
          : 'camera-unavailable',
      failure.message,
      { cause },
    );
    this.name = 'CameraError';
    this.failure = failure;
  }
}

/** The cameras (`videoinput` devices) the browser lists. Empty when the page cannot list devices. */
export async function listCameras(): Promise<CameraDevice[]> {
  const devices = await globalThis.navigator?.mediaDevices?.enumerateDevices?.();
  if (devices === undefined) return [];
  return devices
    .filter((d) => d.kind === 'videoinput')
    .map((d) => ({ deviceId: d.deviceId, label: d.label, groupId: d.groupId }));
}

/** Even (H.264 4:2:0) and at least 2. */
function even(n: number): number {
  return Math.max(2, Math.floor(n / 2) * 2);
}

/**
 * Opens a camera with `getUserMedia` (device, ideal size and rate) and reads its frames through
 * `MediaStreamTrackProcessor` where available, else a `<video>` element. Throws {@link CameraError}.
 */
export async function openCamera(
  request: Required<Omit<CameraSourceRequest, 'deviceId'>> & {
    readonly deviceId: string | undefined;
  },
): Promise<FrameSource> {
  const mediaDevices = globalThis.navigator?.mediaDevices;
  if (mediaDevices?.getUserMedia === undefined)
    throw new CameraError(noMediaDevices(globalThis.isSecureContext));
  let stream: MediaStream;
  try {
    stream = await mediaDevices.getUserMedia({
      audio: false,
      video: {
        ...(request.deviceId === undefined ? {} : { deviceId: { exact: request.deviceId } }),
        width: { ideal: request.width },
        height: { ideal: request.height },
        frameRate: { ideal: request.frameRate },
      },
    });
  } catch (cause) {
    throw new CameraError(describeCameraFailure(cause), cause);
  }
  const track = stream.getVideoTracks()[0];
  if (track === undefined) {
    for (const t of stream.getTracks()) t.stop();
    throw new CameraError(describeCameraFailure(new DOMException('no video track', 'NotFoundError')));
  }
  return readTrack(track, stream, {
    kind: 'camera',
    label: track.label || 'camera',
    width: request.width,
    height: request.height,
    frameRate: request.frameRate,
    reader: request.reader,
  });
}

/** What {@link readTrack} names the source, and the sizes to assume where the track does not say. */
export interface TrackReading {
  readonly kind: 'camera' | 'track';
  readonly label: string;
  readonly width: number;
  readonly height: number;
  readonly frameRate: number;
  readonly reader: 'auto' | 'track-processor' | 'video-element';
}

/**
 * Reads a video track's frames through `MediaStreamTrackProcessor` where available (or asked for), else a
 * `<video>` element playing `stream`. Closing the source stops the track; on failure it is stopped here.
 */
export async function readTrack(
  track: MediaStreamTrack,
  stream: MediaStream,
  reading: TrackReading,
): Promise<FrameSource> {
  const settings = track.getSettings();
  const info = {
    kind: reading.kind,
    label: reading.label,
    deviceId: settings.deviceId,
    width: even(settings.width || reading.width),
    height: even(settings.height || reading.height),
    // A track that takes frames on demand (a canvas's `captureStream(0)`) says 0 fps: it has no rate of its own.
    frameRate: settings.frameRate || reading.frameRate,
  };
  const useProcessor =
    reading.reader === 'track-processor' || (reading.reader === 'auto' && hasTrackProcessor());
  if (reading.reader === 'track-processor' && !hasTrackProcessor()) {
    track.stop();
    throw new WebError(
      'unsupported',
      'this browser has no MediaStreamTrackProcessor; use reader "auto" or "video-element"',
    );
  }
  try {
    return useProcessor
      ? new TrackProcessorSource(track, { ...info, reader: 'track-processor' })
      : await VideoElementSource.open(stream, { ...info, reader: 'video-element' });
  } catch (error) {
    track.stop();
    throw error;
  }
}
