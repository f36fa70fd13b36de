// A browser page that publishes a RecordingStream to the camstream server with the core-style publishSink
// and the browser's own WebSocket (served by Vite, source-first; see ../publish.e2e.test.ts).
import {
  frameTime,
  type PublishSink,
  publishSink,
  RecordingStream,
  VideoCodec,
  VideoStream,
} from '@camstream/core';

interface PublishWindow {
  publishReady: boolean;
  publish(url: string, samples: string[], seconds: number): Promise<number>;
}

const w = window as unknown as PublishWindow;
w.publish = async (url, samples, seconds) => {
  const units = samples.map((b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
  const sink: PublishSink = publishSink(url, { WebSocket });
  const rec = new RecordingStream({
    applicationId: 'camstream_e2e',
    recordingId: 'browser-publish',
    sinks: [sink],
  });
  rec.log('camera', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
  const t0 = performance.now();
  const frames = seconds * 30;
  for (let i = 0; i < frames; i++) {
    const wait = t0 + (i * 1000) / 30 - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    rec.setTime('time', { duration: frameTime(i, 30) });
    rec.log('camera', VideoStream.fromFields({ sample: units[i % units.length]! }));
  }
  await rec.close();
  return sink.sent;
};
w.publishReady = true;
