import { EncoderError } from '../errors.js';
import type { InputMessage } from '../ffmpeg/frame-device.js';

// Control block (Int32Array): the two counters, then one kind per slot. Counters run modulo 2·slots, so a full
// ring (write − read = slots) and an empty one (write = read) differ without a separate flag, and never overflow.
const WRITE = 0;
const READ = 1;
const KINDS = 2;
const KIND_FRAME = 0;
const KIND_CLOSE = 1;
const KIND_RESTART = 2;

/** What both threads need to open the same ring: structured-clonable. */
export interface FrameRingLayout {
  readonly buffer: SharedArrayBuffer;
  readonly slots: number;
  readonly slotBytes: number;
}

/**
 * A single-producer single-consumer ring of raw frames in a `SharedArrayBuffer`. The main thread writes a frame
 * (or an end marker) into the next free slot and notifies; the worker's input device reads slot by slot,
 * sleeping in `Atomics.wait` while the ring is empty, and releases a frame's slot only when ffmpeg has read all
 * of it (no copy). A full ring refuses writes: the encoder keeps the frame in its own queue, where the
 * drop-oldest/wait policy lives.
 */
export class FrameRing {
  /** The shared memory and its shape, to post to the worker. */
  readonly layout: FrameRingLayout;
  private readonly control: Int32Array;
  private readonly data: Uint8Array;
  private holding = false;

  private constructor(layout: FrameRingLayout) {
    const { buffer, slots, slotBytes } = layout;
    this.layout = layout;
    this.control = new Int32Array(buffer, 0, KINDS + slots);
    const dataOffset = controlBytes(slots);
    if (buffer.byteLength < dataOffset + slots * slotBytes) {
      throw new EncoderError(
        'invalid-options',
        `a frame ring of ${slots} × ${slotBytes} bytes needs ${dataOffset + slots * slotBytes} bytes of shared memory, got ${buffer.byteLength}`,
      );
    }
    this.data = new Uint8Array(buffer, dataOffset, slots * slotBytes);
  }

  /** Allocates a ring of `slots` frames of `slotBytes` each. Throws `invalid-options` for a bad shape. */
  static create(slots: number, slotBytes: number): FrameRing {
    if (!Number.isSafeInteger(slots) || slots < 1 || slots > 1024)
      throw new EncoderError('invalid-options', `ring slots must be an integer in [1, 1024], got ${slots}`);
    if (!Number.isSafeInteger(slotBytes) || slotBytes < 1)
      throw new EncoderError(
        'invalid-options',
        `ring slot size must be a positive integer, got ${slotBytes}`,
      );
    const buffer = new SharedArrayBuffer(controlBytes(slots) + slots * slotBytes);
    return new FrameRing({ buffer, slots, slotBytes });
  }

  /** Opens a ring another thread created. */
  static attach(layout: FrameRingLayout): FrameRing {
    return new FrameRing(layout);
  }

  /** Entries written and not yet read (or, for the entry being read, not yet released). */
  get size(): number {
    const n = 2 * this.layout.slots;
    return (Atomics.load(this.control, WRITE) - Atomics.load(this.control, READ) + n) % n;
  }

  /** Whether a write would succeed now. */
  get hasRoom(): boolean {
    return this.size < this.layout.slots;
  }

  /** Producer: copies `frame` into the next slot; false (nothing written) when the ring is full. */
  tryWrite(frame: Uint8Array): boolean {
    if (frame.length !== this.layout.slotBytes) {
      throw new EncoderError(
        'invalid-frame',
        `a ${frame.length}-byte frame does not fit a ring of ${this.layout.slotBytes}-byte slots`,
      );
    }
    return this.put(KIND_FRAME, frame);
  }

  /** Producer: queues the end of the current ffmpeg run; false when the ring is full. */
  tryWriteEnd(end: 'close' | 'restart'): boolean {
    return this.put(end === 'close' ? KIND_CLOSE : KIND_RESTART, undefined);
  }

  /**
   * Consumer: the oldest entry, or undefined when the ring is empty. A frame is a view of its slot and stays
   * valid until {@link release}; an end marker is released at once.
   */
  tryRead(): InputMessage | undefined {
    if (this.holding)
      throw new EncoderError('encoder-failed', 'frame ring: the previous frame was read and not released');
    const { slots, slotBytes } = this.layout;
    const read = Atomics.load(this.control, READ);
    if (Atomics.load(this.control, WRITE) === read) return undefined;
    const slot = read % slots;
    const kind = Atomics.load(this.control, KINDS + slot);
    if (kind !== KIND_FRAME) {
      this.advance(read);
      return { end: kind === KIND_CLOSE ? 'close' : 'restart' };
    }
    this.holding = true;
    return { frame: this.data.subarray(slot * slotBytes, (slot + 1) * slotBytes) };
  }

  /** Consumer: like {@link tryRead}, sleeping in `Atomics.wait` while the ring is empty (workers only). */
  read(): InputMessage {
    for (;;) {
      const seen = Atomics.load(this.control, WRITE);
      const entry = this.tryRead();
      if (entry) return entry;
      // The producer bumps WRITE then notifies: if it wrote after `seen`, wait returns at once.
      Atomics.wait(this.control, WRITE, seen);
    }
  }

  /** Consumer: gives the slot of the frame last read back to the producer. */
  release(): void {
    if (!this.holding) return;
    this.holding = false;
    this.advance(Atomics.load(this.control, READ));
  }

  private put(kind: number, frame: Uint8Array | undefined): boolean {
    if (!this.hasRoom) return false;
    const { slots, slotBytes } = this.layout;
    const write = Atomics.load(this.control, WRITE);
    const slot = write % slots;
    if (frame) this.data.set(frame, slot * slotBytes);
    Atomics.store(this.control, KINDS + slot, kind);
    // Publishing the counter last (a sequentially consistent store) makes the slot's bytes visible with it.
    Atomics.store(this.control, WRITE, (write + 1) % (2 * slots));
    Atomics.notify(this.control, WRITE);
    return true;
  }

  private advance(read: number): void {
    Atomics.store(this.control, READ, (read + 1) % (2 * this.layout.slots));
  }
}

/** Bytes of the control block, rounded up to 8 so the frame slots are aligned. */
function controlBytes(slots: number): number {
  return Math.ceil(((KINDS + slots) * 4) / 8) * 8;
}
