import type { RawFrame } from '@camstream/core/media';
import type { InputMessage } from '../ffmpeg/frame-device.js';
import type { LiveSession } from './live-session.js';

/** Where a {@link FrameFeed} writes: the Node worker's port, or the browser's shared frame ring. */
export interface FrameChannel {
  /** Whether one more frame fits now, after a restart marker when `restart`. */
  fitsFrame(restart: boolean): boolean;
  /** Whether the end-of-stream marker fits now. */
  fitsEnd(): boolean;
  /** Hands the worker a frame or an end marker (only after the matching `fits…` said yes). */
  write(message: InputMessage): void;
}

/**
 * Feeds a long live run frame by frame, on any platform: moves the session's queued frames into the channel while
 * it has room, puts a `restart` marker before a frame that must start a new IDR, and a `close` marker once the
 * session is closing and its queue is empty.
 */
export class FrameFeed {
  private readonly session: LiveSession;
  private readonly channel: FrameChannel;
  private endWritten = false;

  constructor(session: LiveSession, channel: FrameChannel) {
    this.session = session;
    this.channel = channel;
  }

  /** Moves what fits; call it whenever a frame is queued or the worker has read one. */
  pump(): void {
    const s = this.session;
    if (s.ended) return;
    for (;;) {
      const frame: RawFrame | undefined = s.peek(0);
      if (!frame) break;
      const restart = s.startsKeyframe(frame) && s.posted > 0;
      if (!this.channel.fitsFrame(restart)) break;
      if (restart) {
        s.keyframeRestarts++;
        this.channel.write({ end: 'restart' });
      }
      s.take(1);
      this.channel.write({ frame: frame.data });
    }
    if (s.state === 'closing' && s.queued === 0 && !this.endWritten && this.channel.fitsEnd()) {
      this.endWritten = true;
      this.channel.write({ end: 'close' });
    }
  }
}
