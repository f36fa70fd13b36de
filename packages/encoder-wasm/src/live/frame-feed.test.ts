import { type RawFrame, renderTestPattern } from '@camstream/core/media';
import { describe, expect, it } from 'vitest';
import type { InputMessage } from '../ffmpeg/frame-device.js';
import { resolveOptions } from '../options.js';
import { FrameFeed } from './frame-feed.js';
import { LiveSession } from './live-session.js';

const SIZE = { width: 16, height: 16, fpsNum: 30 } as const;
const frame = (i: number): RawFrame => renderTestPattern(SIZE, i);

/** A feed over a channel of `slots` places (markers take one too unless `markersFree`); reads free them. */
function harness(slots: number, markersFree = false) {
  const written: InputMessage[] = [];
  let used = 0;
  let feed!: FrameFeed;
  const session: LiveSession = new LiveSession({
    options: resolveOptions(SIZE),
    maxQueuedFrames: 10,
    whenFull: 'drop-oldest',
    splitter: { push: () => [], endAccessUnit: () => [], end: () => [] },
    transport: { pump: () => feed.pump(), release: () => {} },
  });
  feed = new FrameFeed(session, {
    fitsFrame: (restart) => used + (restart && !markersFree ? 2 : 1) <= slots,
    fitsEnd: () => markersFree || used < slots,
    write: (message) => {
      written.push(message);
      if ('frame' in message || !markersFree) used++;
    },
  });
  const kinds = (): string[] => written.map((m) => ('frame' in m ? `frame ${m.frame[0]}` : m.end));
  const read = (n: number): void => {
    used -= n;
    feed.pump();
  };
  return { session, kinds, read };
}

describe('FrameFeed', () => {
  it('writes frames while the channel has room and the rest when it is read', () => {
    const { session, kinds, read } = harness(2);
    for (const i of [0, 1, 2]) session.encode(frame(i));
    expect(kinds()).toHaveLength(2);
    expect(session.counters()).toMatchObject({ queued: 1 });
    read(1);
    expect(kinds()).toHaveLength(3);
    expect(session.posted).toBe(3);
  });

  it('puts a restart marker before a frame given after requestKeyframe(), and only if it fits with it', () => {
    const { session, kinds, read } = harness(2);
    session.encode(frame(0));
    session.requestKeyframe();
    session.encode(frame(1));
    // One place left: not enough for the marker and the frame.
    expect(kinds()).toEqual([`frame ${frame(0).data[0]}`]);
    read(1);
    expect(kinds().slice(1)).toEqual(['restart', `frame ${frame(1).data[0]}`]);
    expect(session.counters().keyframeRestarts).toBe(1);
  });

  it('needs no restart marker for the very first frame', () => {
    const { session, kinds } = harness(4);
    session.requestKeyframe();
    session.encode(frame(0));
    expect(kinds()).toEqual([`frame ${frame(0).data[0]}`]);
    expect(session.counters().keyframeRestarts).toBe(0);
  });

  it('writes the close marker once, after the last queued frame, when it fits', () => {
    const { session, kinds, read } = harness(1);
    session.encode(frame(0));
    session.encode(frame(1));
    void session.close().catch(() => {});
    expect(kinds()).toHaveLength(1);
    read(1);
    expect(kinds()).toHaveLength(2);
    read(1);
    read(0);
    expect(kinds().slice(2)).toEqual(['close']);
  });

  it('writes markers that take no room even when the frames fill the channel (the Node port)', () => {
    const { session, kinds } = harness(1, true);
    session.encode(frame(0));
    void session.close().catch(() => {});
    expect(kinds()).toEqual([`frame ${frame(0).data[0]}`, 'close']);
  });

  it('writes nothing once the session has failed', () => {
    const { session, kinds, read } = harness(1);
    session.encode(frame(0));
    session.encode(frame(1));
    session.abort();
    read(1);
    expect(kinds()).toHaveLength(1);
  });
});
