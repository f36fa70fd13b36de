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
  const settings = track.getSettings();
  const info = {
    kind: 'camera' as const,
    label: track.label || 'camera',
    deviceId: settings.deviceId,
    width: even(settings.width ?? request.width),
    height: even(settings.height ?? request.height),
    frameRate: settings.frameRate ?? request.frameRate,
  };
  const useProcessor =
    request.reader === 'track-processor' || (request.reader === 'auto' && hasTrackProcessor());
  if (request.reader === 'track-processor' && !hasTrackProcessor()) {
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
