// In-browser capture into the viewer on the same page, as the demo runs it: a CaptureSession (WebCodecs
// encoder in its worker) with `viewerSink` into the embedded @rerun-io/web-viewer (blueprint and selection
// panels collapsed, like the demo). The source is a `track` from a canvas that is never shown: the bench paints
// the test pattern and the wall-clock time stamp on it at 30 fps and pushes each painted picture as one frame
// (`captureStream(0)` + `requestFrame()`), so only the viewer's picture is on screen.
import { CaptureSession, viewerSink } from '@camstream/web';
import { WebViewer } from '@rerun-io/web-viewer';
import { paintStampedPattern } from './stamped-pattern.js';

interface SessionBench {
  start(width: number, height: number, fps: number): Promise<void>;
  stop(): Promise<void>;
  stats(): unknown;
  painted(): number;
}

const viewer = new WebViewer();
await viewer.start(null, document.getElementById('viewer'), {
  hide_welcome_screen: true,
  width: '100%',
  height: '100%',
});
viewer.override_panel_state('blueprint', 'collapsed');
viewer.override_panel_state('selection', 'collapsed');
const channel = viewer.open_channel('camstream');

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
    const stream = canvas.captureStream(0);
    const track = stream.getVideoTracks()[0] as CanvasCaptureMediaStreamTrack;
    paintStampedPattern(context, width, height, 0, Date.now());
    session = await CaptureSession.create({
      source: { kind: 'track', track, label: 'stamped canvas', width, height, frameRate: fps },
      encoder: { kind: 'webcodecs' },
      sinks: [() => viewerSink(channel)],
      statsIntervalMs: 1000,
    });
    await session.start();
    // Paced from the start on the wall clock, so a late paint does not shift the ones after it.
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
