import { describe, expect, it } from 'vitest';
import { CollectSink, logFrame, videoRecording } from '../test-util.js';
import { ReplayStore } from './replay-store.js';
import { fromEncoded, type StoredMessage } from './stored-message.js';

/** Stored messages of a recording: frames 0..n-1 with a keyframe every `gop`, and a scalar per frame. */
function stored(frames: number, gop: number): StoredMessage[] {
  const sink = new CollectSink();
  const rec = videoRecording([sink]);
  for (let i = 0; i < frames; i++) logFrame(rec, i, gop);
  const video = new Set<string>();
  return sink.messages.map((m) => fromEncoded(m, video));
}

const describeMessage = (m: StoredMessage) =>
  m.kind !== 'arrow_msg'
    ? m.kind
    : m.isStatic
      ? 'static'
      : `${m.isVideo ? 'v' : 's'}${Number((m.timeRanges.get('time')?.min ?? 0n) / 33_333_333n)}`;

describe('ReplayStore', () => {
  it('latest: store info, static, video from its latest keyframe, scalars from that time', () => {
    const store = new ReplayStore();
    for (const m of stored(25, 10)) store.add(m);
    expect(store.replay().map(describeMessage)).toEqual([
      'set_store_info',
      'static',
      ...[20, 21, 22, 23, 24].flatMap((i) => [`v${i}`, `s${i}`]),
    ]);
    // Older GOPs were dropped, not just hidden.
    expect(store.size).toBe(12);
  });

  it('all: everything in arrival order, bounded by the memory limit (oldest temporal first)', () => {
    const messages = stored(25, 10);
    const all = new ReplayStore({ history: 'all' });
    for (const m of messages) all.add(m);
    expect(all.replay()).toHaveLength(messages.length);
    const perFrame = messages[2]!.size + messages[3]!.size;
    const bounded = new ReplayStore({
      history: 'all',
      memoryLimit: messages[0]!.size + messages[1]!.size + 5 * perFrame,
    });
    for (const m of messages) bounded.add(m);
    expect(bounded.bytes).toBeLessThanOrEqual(messages[0]!.size + messages[1]!.size + 5 * perFrame);
    const kept = bounded.replay().map(describeMessage);
    expect(kept.slice(0, 2)).toEqual(['set_store_info', 'static']);
    expect(kept.at(-1)).toBe('s24');
    expect(bounded.collected).toBeGreaterThan(0);
  });
});
