import { WebError } from '../errors.js';
import type { ActiveSource } from '../session/session-state.js';
import type { FrameHandler, FrameSource } from './frame-source.js';

/**
 * Camera frames through a hidden `<video>` element, for browsers without `MediaStreamTrackProcessor`: each
 * new picture (`requestVideoFrameCallback`) becomes a `VideoFrame` made from the element.
 */
export class VideoElementSource implements FrameSource {
  readonly info: Omit<ActiveSource, 'fallback'>;
  readonly #stream: MediaStream;
  readonly #video: HTMLVideoElement;
  #callback: number | undefined;
  #closed = false;

  /** Plays `stream` in a detached, muted `<video>`. */
  static async open(stream: MediaStream, info: Omit<ActiveSource, 'fallback'>): Promise<VideoElementSource> {
    if (typeof document === 'undefined' || !('requestVideoFrameCallback' in HTMLVideoElement.prototype)) {
      throw new WebError(
        'unsupported',
        'this browser has neither MediaStreamTrackProcessor nor HTMLVideoElement.requestVideoFrameCallback to read camera frames',
      );
    }
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    await video.play();
    return new VideoElementSource(stream, video, info);
  }

  private constructor(stream: MediaStream, video: HTMLVideoElement, info: Omit<ActiveSource, 'fallback'>) {
    this.#stream = stream;
    this.#video = video;
    this.info = info;
  }

  start(onFrame: FrameHandler, onError: (error: unknown) => void): void {
    const next = (): void => {
      this.#callback = this.#video.requestVideoFrameCallback((_now, metadata) => {
        if (this.#closed) return;
        try {
          const frame = new VideoFrame(this.#video, { timestamp: Math.round(metadata.mediaTime * 1e6) });
          onFrame(frame, performance.now());
        } catch (error) {
          onError(error);
          return;
        }
        next();
      });
    };
    next();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#callback !== undefined) this.#video.cancelVideoFrameCallback(this.#callback);
    for (const track of this.#stream.getTracks()) track.stop();
    this.#video.pause();
    this.#video.srcObject = null;
  }
}
