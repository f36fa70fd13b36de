import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncoderError } from '../errors.js';
import { FrameRing } from './frame-ring.js';

const frameOf = (bytes: number, seed: number): Uint8Array =>
  Uint8Array.from({ length: bytes }, (_, i) => (seed * 31 + i * 7) & 0xff);

describe('FrameRing', () => {
  it('hands frames and end markers over in order, through a second view of the same memory', () => {
    const producer = FrameRing.create(3, 4);
    const consumer = FrameRing.attach(producer.layout);
    expect(producer.tryWrite(frameOf(4, 1))).toBe(true);
    expect(producer.tryWriteEnd('restart')).toBe(true);
    expect(producer.tryWrite(frameOf(4, 2))).toBe(true);
    expect(producer.tryWrite(frameOf(4, 3))).toBe(false);
    expect(consumer.read()).toEqual({ frame: frameOf(4, 1) });
    expect(producer.hasRoom).toBe(false);
    consumer.release();
    expect(consumer.read()).toEqual({ end: 'restart' });
    expect(consumer.read()).toEqual({ frame: frameOf(4, 2) });
    consumer.release();
    expect(consumer.tryRead()).toBeUndefined();
    expect(producer.tryWriteEnd('close')).toBe(true);
    expect(consumer.tryRead()).toEqual({ end: 'close' });
  });

  it('refuses a second read before the frame is released, and frames of the wrong size', () => {
    const ring = FrameRing.create(2, 4);
    ring.tryWrite(frameOf(4, 0));
    ring.tryWrite(frameOf(4, 1));
    ring.tryRead();
    expect(() => ring.tryRead()).toThrow(EncoderError);
    expect(() => ring.tryWrite(frameOf(5, 0))).toThrow(/5-byte frame does not fit a ring of 4-byte slots/);
    expect(() => FrameRing.create(0, 4)).toThrow(/ring slots must be an integer/);
  });

  it('is a FIFO with capacity `slots` through any interleaving of writes and reads (wrap-around)', () => {
    type Op = { write: true; end: boolean } | { write: false };
    const op = fc.oneof(
      fc.record({ write: fc.constant(true as const), end: fc.boolean() }),
      fc.record({ write: fc.constant(false as const) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(op, { maxLength: 200 }), (slots, ops: Op[]) => {
        const producer = FrameRing.create(slots, 3);
        const consumer = FrameRing.attach(producer.layout);
        const model: ({ frame: Uint8Array } | { end: 'close' | 'restart' })[] = [];
        let seed = 0;
        for (const o of ops) {
          if (o.write) {
            const entry = o.end
              ? { end: seed % 2 ? ('close' as const) : ('restart' as const) }
              : { frame: frameOf(3, seed) };
            seed++;
            const ok = 'end' in entry ? producer.tryWriteEnd(entry.end) : producer.tryWrite(entry.frame);
            expect(ok).toBe(model.length < slots);
            if (ok) model.push(entry);
          } else {
            const got = consumer.tryRead();
            const want = model.shift();
            if (want === undefined) expect(got).toBeUndefined();
            else {
              // Copy before release: the slot may be overwritten afterwards.
              expect(got && 'frame' in got ? { frame: got.frame.slice() } : got).toEqual(want);
              consumer.release();
            }
          }
          expect(producer.size).toBe(model.length);
        }
      }),
    );
  });
});
