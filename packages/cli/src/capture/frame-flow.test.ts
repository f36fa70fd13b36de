import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { untilAborted } from './frame-flow.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('untilAborted', () => {
  it('keeps no item alive once the consumer has let it go, while the signal has not fired', async () => {
    const controller = new AbortController();
    const refs: WeakRef<Uint8Array>[] = [];
    async function* source(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 40; i++) {
        const pixels = new Uint8Array(1 << 20);
        refs.push(new WeakRef(pixels));
        yield pixels;
      }
    }
    let read = 0;
    for await (const item of untilAborted(source(), controller.signal, () => {})) {
      read += item.byteLength > 0 ? 1 : 0;
      if (read === 40) break;
    }
    // Collection is not immediate after the last await; a few cycles settle it.
    for (let i = 0; i < 5 && refs.some((r) => r.deref() !== undefined); i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    expect(read).toBe(40);
    expect(controller.signal.aborted).toBe(false);
    expect(refs.filter((r) => r.deref() !== undefined).length).toBeLessThanOrEqual(1);
  });

  it('stops at once when the signal fires during a read that never completes', async () => {
    const controller = new AbortController();
    let stopped = false;
    const never: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<number>>(() => {}) }),
    };
    const done = (async () => {
      for await (const _ of untilAborted(never, controller.signal, () => {
        stopped = true;
      }));
    })();
    controller.abort();
    await done;
    expect(stopped).toBe(true);
  });

  it('passes a failing read on', async () => {
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      throw new Error('source broke');
    }
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const n of untilAborted(failing(), new AbortController().signal, () => {})) seen.push(n);
      })(),
    ).rejects.toThrow('source broke');
    expect(seen).toEqual([1]);
  });
});
