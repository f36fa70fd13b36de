import { WebError } from '../errors.js';
import type { TrackSourceRequest } from '../session/session-options.js';
import { readTrack } from './camera.js';
import type { FrameSource } from './frame-source.js';

/**
 * Reads a video track the app already has (a canvas's or a video's `captureStream()`, a camera it opened, a
 * WebRTC track). The session reads a clone and stops only the clone: the app's track is left running.
 */
export async function openTrackSource(
  request: Required<Omit<TrackSourceRequest, 'label'>> & { readonly label: string | undefined },
): Promise<FrameSource> {
  if (request.track.readyState === 'ended') {
    throw new WebError('invalid-argument', 'the source track has ended; pass a live video track');
  }
  const track = request.track.clone();
  return readTrack(track, new MediaStream([track]), {
    kind: 'track',
    label: request.label ?? (track.label || 'track'),
    width: request.width,
    height: request.height,
    frameRate: request.frameRate,
    reader: request.reader,
  });
}
