import type { EncodedSample } from '@camstream/core/media';
import type { WebError } from '../errors.js';
import type { EncoderKind } from '../session/session-options.js';

/** Where an encoder backend delivers its output. */
export interface EncoderCallbacks {
  /** One Annex B access unit; `pts` is the recording-relative time given to `encode`. */
  onSample(sample: EncodedSample): void;
  /** The backend failed; no more samples come. */
  onError(error: WebError): void;
}

/** Size, rate and rate control every backend is opened with. */
export interface EncoderSettings {
  readonly width: number;
  readonly height: number;
  readonly frameRate: number;
  readonly bitrate: number;
  readonly keyframeInterval: number;
  readonly preset: string | undefined;
}

/** A running encoder backend as the session drives it: frames in on the main thread, encoding in a worker. */
export interface SessionEncoder {
  readonly kind: EncoderKind;
  /** Codec string, e.g. `avc1.42E01E`. */
  readonly codec: string;
  /** Frames handed over and not yet come back as samples (for live back-pressure). */
  readonly inFlight: number;
  /** Frames the backend itself dropped since the last call (its queue was full). */
  takeDropped(): number;
  /** Hands `frame` over (ownership included) with its recording-relative time in µs. */
  encode(frame: VideoFrame, timestampUs: number): void;
  /** Encodes what is queued, delivers the last samples, then frees the workers. */
  close(): Promise<void>;
  /** Frees the workers at once, dropping queued frames (after an error). */
  destroy(): void;
}
