import type { RawFrame } from '@camstream/core/media';
import type { LiveSession } from '../live/live-session.js';
import type { BrowserWorkerSegment } from './protocol.js';

/**
 * Feeds the browser worker in segments mode: when it is idle, `segmentFrames` queued frames packed into one
 * segment (cut short before a frame that must start a new IDR; on close, whatever is left), each one exec.
 */
export class SegmentFeed {
  private readonly session: LiveSession;
  private readonly segmentFrames: number;
  private readonly frameBytes: number;
  private readonly send: (segment: BrowserWorkerSegment) => void;

  /** `send` posts a segment to the worker, moving its buffer. */
  constructor(
    session: LiveSession,
    segmentFrames: number,
    frameBytes: number,
    send: (segment: BrowserWorkerSegment) => void,
  ) {
    this.session = session;
    this.segmentFrames = segmentFrames;
    this.frameBytes = frameBytes;
    this.send = send;
  }

  /** Sends the next segment if the worker is idle and one is due; finishes the session once all are done. */
  pump(): void {
    const s = this.session;
    // The worker is busy while frames sent are not yet back (a segment's frames count as read when it is done).
    if (s.ended || s.posted > s.framesConsumed) return;
    let count = 0;
    while (count < s.queued && count < this.segmentFrames) {
      if (count > 0 && s.startsKeyframe(s.peek(count) as RawFrame)) break;
      count++;
    }
    const cutForKeyframe = count < this.segmentFrames && count < s.queued;
    if (count === 0 || (count < this.segmentFrames && !cutForKeyframe && s.state !== 'closing')) {
      if (s.state === 'closing' && s.queued === 0) s.finish();
      return;
    }
    if (cutForKeyframe) s.keyframeRestarts++;
    const packed = new Uint8Array(count * this.frameBytes);
    s.take(count).forEach((frame, i) => {
      packed.set(frame.data, i * this.frameBytes);
    });
    this.send({ type: 'segment', frames: packed, count });
  }
}
