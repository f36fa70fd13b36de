// The WebCodecs encoder worker: VideoFrames in (transferred), Annex B samples out. One worker per encoder
// session, so the main thread never runs the encoder (decision 0011).
import { WebError } from '../../errors.js';
import { WebCodecsH264Encoder } from './webcodecs-h264-encoder.js';
import type { FromWebCodecsWorker, ToWebCodecsWorker } from './webcodecs-worker-protocol.js';

interface WorkerScope {
  onmessage: ((event: MessageEvent<ToWebCodecsWorker>) => void) | null;
  postMessage(message: FromWebCodecsWorker, transfer?: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;
let encoder: WebCodecsH264Encoder | undefined;
let pumping: Promise<void> = Promise.resolve();
let failed = false;

function fail(error: unknown): void {
  if (failed) return;
  failed = true;
  const e =
    error instanceof WebError ? error : new WebError('encoder-failed', `WebCodecs worker: ${String(error)}`);
  scope.postMessage({ type: 'error', code: e.code, message: e.message });
}

async function pump(enc: WebCodecsH264Encoder): Promise<void> {
  for await (const s of enc.samples()) {
    scope.postMessage(
      {
        type: 'sample',
        data: s.data,
        pts: s.pts,
        isKeyframe: s.isKeyframe,
        codecString: s.codecString,
        index: s.index,
      },
      [s.data.buffer],
    );
  }
}

async function handle(message: ToWebCodecsWorker): Promise<void> {
  switch (message.type) {
    case 'open': {
      const { settings } = message;
      encoder = await WebCodecsH264Encoder.create({
        width: settings.width,
        height: settings.height,
        framerate: settings.frameRate,
        bitrate: settings.bitrate,
        keyframeInterval: settings.keyframeInterval,
      });
      pumping = pump(encoder).catch(fail);
      scope.postMessage({ type: 'opened', codec: encoder.config.codec });
      return;
    }
    case 'frame': {
      const { frame } = message;
      try {
        if (encoder === undefined || failed) return;
        // Camera frames can be a pixel or two larger than the (even) encoder size: crop to it.
        const { width, height } = encoder.config;
        const retimed = new VideoFrame(frame, {
          timestamp: message.timestampUs,
          ...(frame.displayWidth !== width || frame.displayHeight !== height
            ? { visibleRect: { x: 0, y: 0, width, height } }
            : {}),
        });
        try {
          encoder.encode(retimed);
        } finally {
          retimed.close();
        }
      } finally {
        frame.close();
      }
      return;
    }
    case 'close': {
      await encoder?.close();
      await pumping;
      scope.postMessage({ type: 'closed' });
      return;
    }
  }
}

scope.onmessage = (event) => {
  handle(event.data).catch(fail);
};
