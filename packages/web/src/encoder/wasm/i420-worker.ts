// The wasm backend's frame worker: turns VideoFrames (transferred) into packed I420 for ffmpeg.wasm, so the
// read-back and any colour conversion happen off the main thread.
import { frameToI420 } from './frame-to-i420.js';
import type { FromI420Worker, ToI420Worker } from './i420-worker-protocol.js';

interface WorkerScope {
  onmessage: ((event: MessageEvent<ToI420Worker | { type: 'hello' }>) => void) | null;
  postMessage(message: FromI420Worker, transfer?: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;
// Frames are converted one after another so they come back in order.
let queue: Promise<void> = Promise.resolve();

async function convert(message: ToI420Worker): Promise<void> {
  let data: Uint8Array;
  try {
    data = await frameToI420(message.frame, message.width, message.height);
  } catch (error) {
    message.frame.close();
    scope.postMessage({
      type: 'error',
      code: 'encoder-failed',
      message: `I420 conversion failed: ${String(error)}`,
    });
    return;
  }
  // Closed before the reply: the main thread may terminate this worker as soon as the last reply arrives.
  message.frame.close();
  scope.postMessage({ type: 'i420', data, timestampUs: message.timestampUs }, [data.buffer]);
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'hello') {
    scope.postMessage({ type: 'ready' });
    return;
  }
  queue = queue.then(() => convert(message));
};
