import { describe, expect, it } from 'vitest';
import { fromEncoded, type StoredMessage } from '../replay/stored-message.js';
import { CollectSink, logFrame, videoRecording } from '../test-util.js';
import { Hub } from './hub.js';
import { Subscriber } from './subscriber.js';

function stored(frames: number, gop: number): StoredMessage[] {
  const sink = new CollectSink();
  const rec = videoRecording([sink]);
  for (let i = 0; i < frames; i++) logFrame(rec, i, gop);
  const video = new Set<string>();
  return sink.messages.map((m) => fromEncoded(m, video));
}

async function drain(subscriber: Subscriber): Promise<StoredMessage[]> {
  subscriber.close();
  const out: StoredMessage[] = [];
  for await (const m of subscriber.messages()) out.push(m);
  return out;
}

describe('Subscriber', () => {
  it('a slow viewer is skipped forward to the next keyframe instead of growing memory', async () => {
    const messages = stored(60, 5);
    const frameBytes = messages[2]!.size;
    const subscriber = new Subscriber({ maxQueuedBytes: 15 * frameBytes });
    for (const m of messages) {
      subscriber.push(m);
      expect(subscriber.queuedBytes).toBeLessThanOrEqual(
        16 * frameBytes + messages[0]!.size + messages[1]!.size,
      );
    }
    expect(subscriber.skips).toBeGreaterThan(0);
    expect(subscriber.skipped).toBeGreaterThan(0);
    const got = await drain(subscriber);
    // Store info and codec survive; the first video message after them is a keyframe.
    expect(got[0]!.kind).toBe('set_store_info');
    expect(got[1]!.isStatic).toBe(true);
    const video = got.filter((m) => m.isVideo);
    expect(video[0]!.hasKeyframe).toBe(true);
    // Every video message that was kept after a skip continues a GOP that started with a kept keyframe.
    expect(video.length + subscriber.skipped).toBeGreaterThanOrEqual(60);
  });

  it('ends on abort and on close, and the hub drops it', async () => {
    const hub = new Hub();
    const subscriber = hub.subscribe();
    expect(hub.subscriberCount).toBe(1);
    const controller = new AbortController();
    const reading = (async () => {
      const out: StoredMessage[] = [];
      for await (const m of subscriber.messages(controller.signal)) out.push(m);
      return out;
    })();
    for (const m of stored(3, 10)) hub.publish(m);
    await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    expect((await reading).length).toBe(8);
    hub.unsubscribe(subscriber);
    expect(hub.subscriberCount).toBe(0);
  });
});
