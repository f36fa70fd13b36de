// In-browser capture, as the demo runs it: a CaptureSession (WebCodecs encoder in its worker) whose source is
// a `track` of a canvas that is never shown: the bench paints the test pattern and the wall-clock time stamp on
// it at 30 fps and asks the track (`captureStream(0)`) for a frame after each paint, so every painted stamp is
// one frame, taken as it was painted.
// Where the frames go depends on the URL: by default `viewerSink` into the viewer embedded in this page
// (blueprint and selection panels collapsed, like the demo); with `?publish=ws://…/publish`, `publishSink` to a
// camstream server and no viewer here (another page shows the server's stream). `viewerBatch=MS` and
// `publishBatch=MS` replace the sink's default batching (0: each frame at once).
import { type BatchingPolicy, IMMEDIATE, microBatch, publishSink, type Sink } from '@camstream/core';
import { CaptureSession, viewerSink } from '@camstream/web';
import { WebViewer } from '@rerun-io/web-viewer';
import { paintStampedPattern } from './stamped-pattern.js';

interface SessionBench {
  start(width: number, height: number, fps: number): Promise<void>;
  stop(): Promise<void>;
  stats(): unknown;
  painted(): number;
}

const query = new URLSearchParams(location.search);

/** The batching a query parameter asks of a sink, ms (0: each frame at once); none: the sink's default. */
function batchingOf(name: string): { batching?: BatchingPolicy } {
  const ms = query.get(name);
  if (ms === null) return {};
  return { batching: Number(ms) > 0 ? microBatch({ maxDelayMs: Number(ms) }) : IMMEDIATE };
}

async function embeddedViewerSink(): Promise<() => Sink> {
  const viewer = new WebViewer();
  await viewer.start(null, document.getElementById('viewer'), {
    hide_welcome_screen: true,
    width: '100%',
    height: '100%',
  });
  viewer.override_panel_state('blueprint', 'collapsed');
  viewer.override_panel_state('selection', 'collapsed');
  const channel = viewer.open_channel('camstream');
  const batching = batchingOf('viewerBatch');
  return () => viewerSink(channel, batching);
}

const publishUrl = query.get('publish');
const sink =
  publishUrl === null
    ? await embeddedViewerSink()
    : () => publishSink(publishUrl, { WebSocket, ...batchingOf('publishBatch') });

let session: CaptureSession | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let painted = 0;

const bench: SessionBench = {
  async start(width, height, fps) {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    // A CPU canvas: frames of a GPU-backed one stall the encoder while the viewer renders on SwiftShader.
    const context = canvas.getContext('2d', { alpha: false, willReadFrequently: true });
    if (context === null) throw new Error('no 2D context');
    const track = canvas.captureStream(0).getVideoTracks()[0] as CanvasCaptureMediaStreamTrack;
    paintStampedPattern(context, width, height, 0, Date.now());
    session = await CaptureSession.create({
      source: { kind: 'track', track, label: 'stamped canvas', width, height, frameRate: fps },
      encoder: { kind: 'webcodecs' },
      sinks: [sink],
      statsIntervalMs: 1000,
    });
    await session.start();
    // Paced on the clock from the first paint, so a late paint does not shift the ones after it.
    const t0 = performance.now();
    const paint = (): void => {
      paintStampedPattern(context, width, height, painted, Date.now());
      track.requestFrame();
      painted++;
      timer = setTimeout(paint, Math.max(0, t0 + (painted * 1000) / fps - performance.now()));
    };
    paint();
  },
  async stop() {
    clearTimeout(timer);
    await session?.dispose();
    session = undefined;
  },
  stats: () => session?.stats ?? null,
  painted: () => painted,
};
(window as unknown as { latencyBench: SessionBench }).latencyBench = bench;
