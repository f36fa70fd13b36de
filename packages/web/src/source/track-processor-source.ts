import { WebError } from '../errors.js';
import type { ActiveSource } from '../session/session-state.js';
import type { FrameHandler, FrameSource } from './frame-source.js';

/** `MediaStreamTrackProcessor` (Chromium), not yet in TypeScript's DOM library. */
interface TrackProcessorConstructor {
  new (init: {
    track: MediaStreamTrack;
    maxBufferSize?: number;
  }): { readonly readable: ReadableStream<VideoFrame> };
}

function trackProcessorClass(): TrackProcessorConstructor | undefined {
  return (globalThis as { MediaStreamTrackProcessor?: TrackProcessorConstructor }).MediaStreamTrackProcessor;
}

/** Whether this page can read camera frames with `MediaStreamTrackProcessor`. */
export function hasTrackProcessor(): boolean {
  return typeof trackProcessorClass() === 'function';
}

/** Camera frames straight from the track as `VideoFrame`s (no `<video>`, no canvas, no copy). */
export class TrackProcessorSource implements FrameSource {
  readonly info: Omit<ActiveSource, 'fallback'>;
  readonly #track: MediaStreamTrack;
  readonly #reader: ReadableStreamDefaultReader<VideoFrame>;
  #closed = false;
  #started = false;

  constructor(track: MediaStreamTrack, info: Omit<ActiveSource, 'fallback'>) {
    const Processor = trackProcessorClass();
    if (Processor === undefined) throw new Error('MediaStreamTrackProcessor is missing');
    this.info = info;
    this.#track = track;
    // A small buffer: a live pipeline wants the newest frame, not a backlog.
    this.#reader = new Processor({ track, maxBufferSize: 2 }).readable.getReader();
  }

  start(onFrame: FrameHandler, onError: (error: unknown) => void): void {
    this.#started = true;
    void this.#read(onFrame).catch((error: unknown) => {
      if (!this.#closed) onError(error);
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Stopping the track ends the stream; the read loop then closes every frame still queued in it
    // (cancelling the reader would drop them unclosed: "VideoFrame was garbage collected without being closed").
    this.#track.stop();
    if (!this.#started) this.#reader.cancel().catch(() => undefined);
  }

  async #read(onFrame: FrameHandler): Promise<void> {
    for (;;) {
      const { value, done } = await this.#reader.read();
      if (done) {
        // The track ended without close(): unplugged, or revoked by the user or the browser.
        if (!this.#closed) {
          throw new WebError('camera-unavailable', 'the camera stopped delivering frames (its track ended)');
        }
        return;
      }
      if (this.#closed) {
        value.close();
        continue;
      }
      onFrame(value, performance.now());
    }
  }
}
