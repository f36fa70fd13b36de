import { type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import { FrameInputDevice, type InputMessage, mountOutputDevice } from './frame-device.js';
import { freeBytes } from './free-buffer.js';

export { type InputMessage, mountOutputDevice };

/** Index in the signal `Int32Array` the main thread bumps after every message it posts. */
export const SIGNAL_POSTED = 0;

/**
 * The Node input device: a {@link FrameInputDevice} whose frames come through a `MessagePort`, taken with
 * `receiveMessageOnPort` and waited for with `Atomics.wait` on `signal`. Each frame arrived in a buffer of its
 * own (moved or cloned into this thread), so it is freed as soon as ffmpeg has read it.
 */
export class BlockingInputDevice extends FrameInputDevice {
  constructor(port: MessagePort, signal: Int32Array, onFrameConsumed: (consumed: number) => void) {
    super(() => nextMessage(port, signal), onFrameConsumed, freeBytes);
  }
}

function nextMessage(port: MessagePort, signal: Int32Array): InputMessage {
  for (;;) {
    const seen = Atomics.load(signal, SIGNAL_POSTED);
    const received = receiveMessageOnPort(port);
    if (received) return received.message as InputMessage;
    // The main thread posts first and bumps the counter second: if it bumped after `seen`, wait returns at once.
    Atomics.wait(signal, SIGNAL_POSTED, seen);
  }
}
