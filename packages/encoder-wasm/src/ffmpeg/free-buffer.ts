import { MessageChannel } from 'node:worker_threads';

// A port whose channel is closed: posting on it still serializes the message, which detaches every transferred
// buffer, and then drops it (the HTML spec's postMessage steps; Node's MessagePort does the same).
let closedPort: MessagePort | undefined;

/**
 * Frees the memory behind `bytes` now instead of at some later garbage collection, by detaching its buffer. V8
 * collects buffers like a frame's pixels only after ~64 MB of them pile up (at 720p ~45 frames, which glibc then
 * keeps as heap). Only when `bytes` spans its whole, unshared `ArrayBuffer` (a view into a bigger or pooled
 * buffer is left alone); nothing may use that buffer afterwards.
 */
export function freeBytes(bytes: Uint8Array): void {
  const buffer = bytes.buffer;
  if (!(buffer instanceof ArrayBuffer) || bytes.byteOffset !== 0 || bytes.byteLength !== buffer.byteLength)
    return;
  if (buffer.byteLength === 0) return;
  if (!closedPort) {
    const { port1 } = new MessageChannel();
    port1.close();
    closedPort = port1 as unknown as MessagePort;
  }
  closedPort.postMessage(null, [buffer]);
}
