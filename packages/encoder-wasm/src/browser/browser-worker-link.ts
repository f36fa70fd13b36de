import { EncoderError } from '../errors.js';
import { FrameFeed } from '../live/frame-feed.js';
import type { LiveWorkerMessage } from '../live/live-protocol.js';
import type { LiveSession } from '../live/live-session.js';
import type { LiveWorkerEvents, LiveWorkerLink } from '../live/live-worker-encoder.js';
import type { FrameRing } from './frame-ring.js';
import type { BrowserWorkerInit, BrowserWorkerRequest } from './protocol.js';
import { SegmentFeed } from './segment-feed.js';

/**
 * The browser side of a live encoder: a module Web Worker started by an `init` message, fed through the shared
 * frame ring (ring mode: no message per frame) or sent one segment message at a time (segments mode).
 */
export class BrowserWorkerLink implements LiveWorkerLink {
  private readonly worker: Worker;
  private readonly init: BrowserWorkerInit;
  private readonly feed: { pump(): void };

  /** `ring` for ring mode; without it, segments of `segmentFrames` frames of `frameBytes` each. */
  constructor(
    session: LiveSession,
    worker: Worker,
    init: BrowserWorkerInit,
    feeding: {
      readonly ring: FrameRing | undefined;
      readonly segmentFrames: number;
      readonly frameBytes: number;
    },
  ) {
    this.worker = worker;
    this.init = init;
    const { ring, segmentFrames, frameBytes } = feeding;
    this.feed = ring
      ? new FrameFeed(session, {
          // A frame that starts a new IDR needs room for its restart marker too.
          fitsFrame: (restart) => ring.size <= ring.layout.slots - (restart ? 2 : 1),
          fitsEnd: () => ring.hasRoom,
          write: (message) => {
            if ('frame' in message) ring.tryWrite(message.frame);
            else ring.tryWriteEnd(message.end);
          },
        })
      : new SegmentFeed(session, segmentFrames, frameBytes, (segment) =>
          this.send(segment, [segment.frames.buffer as ArrayBuffer]),
        );
  }

  connect(events: LiveWorkerEvents): void {
    this.worker.onmessage = (event: MessageEvent<LiveWorkerMessage>) => events.message(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      events.crash(
        new EncoderError(
          'worker-crashed',
          `the encoder's worker failed: ${event.message || 'it could not be loaded (check workerURL)'}`,
        ),
      );
    };
    this.send(this.init);
  }

  pump(): void {
    this.feed.pump();
  }

  release(): void {
    this.worker.terminate();
  }

  private send(message: BrowserWorkerRequest, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }
}
