// The test page of e2e/web: a CaptureSession from @camstream/web (source-first through Vite) feeding the real
// @rerun-io/web-viewer@0.33.0, driven by the Playwright tests through `window.webTest`.
import { publishSink, type Sink, StreamCallbackSink } from '@camstream/core';
import {
  CaptureSession,
  type CaptureSessionOptions,
  type EncoderChoice,
  SharedRecording,
  type SourceRequest,
  viewerSink,
  type WasmEncoderModule,
} from '@camstream/web';
import { WebViewer } from '@rerun-io/web-viewer';
import type { CameraSnapshot, SessionSnapshot, WebTestApi } from '../web-page-api.js';

let viewer: WebViewer | undefined;
let session: CaptureSession | undefined;

/** What every snapshot says of a session (`null`s without one). */
function sessionFields(session: CaptureSession | undefined) {
  return {
    state: session?.state ?? null,
    source: session?.source ?? null,
    encoder: session?.encoder ?? null,
    recordingId: session?.recordingId ?? null,
    stats: session?.stats ?? null,
  };
}
const events: { type: string; detail: unknown }[] = [];
let bytesLogged = 0;

function countingSink(): Sink {
  // Counts bytes and keeps nothing, so the heap test measures the session, not a growing log.
  return new StreamCallbackSink(
    (rrd) => {
      bytesLogged += rrd.byteLength;
    },
    { mode: 'per-message' },
  );
}

function record(event: Event): void {
  const detail = (event as Event & { detail: unknown }).detail;
  events.push({
    type: event.type,
    detail:
      detail instanceof Error
        ? { name: detail.name, code: (detail as { code?: string }).code, message: detail.message }
        : detail,
  });
}

let shared: SharedRecording | undefined;
/** The shared recording's cameras by entity path: the session, its canvas painter, its events. */
const cameras = new Map<
  string,
  {
    session: CaptureSession;
    stopPainting: () => void;
    stall?: (ms: number) => void;
    events: { type: string; detail: unknown }[];
  }
>();

/** A canvas of one colour with a moving stripe (a canvas track only yields frames when it is painted). */
function paintedCanvas(
  width: number,
  height: number,
  [r, g, b]: [number, number, number],
  afterPaint: () => void = () => {},
) {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('no 2D context');
  let frame = 0;
  const paint = (): void => {
    context.fillStyle = `rgb(${r} ${g} ${b})`;
    context.fillRect(0, 0, width, height);
    context.fillStyle = '#000';
    context.fillRect((frame++ * 4) % width, 0, 4, height / 8);
    afterPaint();
  };
  paint();
  let timer: ReturnType<typeof setInterval> | undefined = setInterval(paint, 1000 / 30);
  const stop = (): void => {
    clearInterval(timer);
    timer = undefined;
  };
  const stall = (ms: number): void => {
    stop();
    setTimeout(() => {
      timer ??= setInterval(paint, 1000 / 30);
    }, ms);
  };
  return { canvas, stop, stall };
}

/** Records a camera session's events of `types` into a list of its own. */
function cameraEvents(
  session: CaptureSession,
  types: readonly string[] = ['recording', 'error'],
): { type: string; detail: unknown }[] {
  const events: { type: string; detail: unknown }[] = [];
  for (const type of types)
    session.addEventListener(type, (event) => {
      const detail = (event as Event & { detail: unknown }).detail;
      events.push({ type, detail: detail instanceof Error ? { message: detail.message } : detail });
    });
  return events;
}

const api: WebTestApi = {
  async startViewer() {
    viewer = new WebViewer();
    await viewer.start(null, document.getElementById('viewer'), {
      hide_welcome_screen: true,
      width: '100%',
      height: '100%',
    });
    for (const panel of ['blueprint', 'selection', 'time'] as const)
      viewer.override_panel_state(panel, 'hidden');
    viewer.override_panel_state('top', 'collapsed');
  },
  async create(options) {
    const channel = viewer?.open_channel('camstream');
    const sessionOptions: CaptureSessionOptions = {
      source: options.source,
      encoder: { kind: options.encoder },
      sinks: [
        ...(channel === undefined ? [] : [() => viewerSink(channel)]),
        ...(options.publishUrl === undefined ? [] : [() => publishSink(options.publishUrl!, { WebSocket })]),
        countingSink,
      ],
      statsIntervalMs: 500,
      ...(options.fallbackToTestPattern === undefined
        ? {}
        : { fallbackToTestPattern: options.fallbackToTestPattern }),
      ...(options.injectWasm
        ? {
            wasm: () => import('./wasm-encoder.js') as Promise<WasmEncoderModule>,
            ...(options.ffmpeg === undefined
              ? {}
              : { assets: { ffmpegCoreURL: options.ffmpeg.coreURL, ffmpegWasmURL: options.ffmpeg.wasmURL } }),
          }
        : {}),
    };
    session = await CaptureSession.create(sessionOptions);
    for (const type of ['state', 'recording', 'stats', 'fallback', 'error', 'sink-failed'])
      session.addEventListener(type, record);
  },
  async start() {
    await session?.start();
  },
  async startError() {
    try {
      await session?.start();
      return null;
    } catch (error) {
      return {
        name: (error as Error).name,
        code: (error as { code?: string }).code ?? null,
        message: (error as Error).message,
      };
    }
  },
  async stop() {
    await session?.stop();
  },
  async switchEncoder(kind: EncoderChoice) {
    await session?.switchEncoder({ kind });
  },
  async switchSource(source: SourceRequest) {
    await session?.switchSource(source);
  },
  async dispose() {
    if (session === undefined) return;
    await session.dispose();
    for (const type of ['state', 'recording', 'stats', 'fallback', 'error', 'sink-failed'])
      session.removeEventListener(type, record);
    session = undefined;
  },
  snapshot(): SessionSnapshot {
    return { ...sessionFields(session), bytesLogged };
  },
  events: () => events.map((e) => ({ type: e.type, detail: e.detail })),
  clearEvents: () => {
    events.length = 0;
  },
  activeRecording: () => viewer?.get_active_recording_id() ?? null,
  async openShared() {
    const channel = viewer?.open_channel('cameras');
    shared = new SharedRecording({
      sinks: [...(channel === undefined ? [] : [viewerSink(channel)]), countingSink()],
      applicationId: 'camstream_web_cameras',
    });
    return shared.recordingId;
  },
  async addCanvasCamera({ entityPath, rgb, encoder, width, height, requestFrames = false }) {
    if (shared === undefined) throw new Error('openShared() first');
    let requested: CanvasCaptureMediaStreamTrack | undefined;
    const { canvas, stop, stall } = paintedCanvas(width, height, rgb, () => requested?.requestFrame());
    const track = canvas
      .captureStream(requestFrames ? 0 : 30)
      .getVideoTracks()[0] as CanvasCaptureMediaStreamTrack;
    if (requestFrames) requested = track;
    const session = await CaptureSession.create({
      recording: shared,
      entityPath,
      source: { kind: 'track', track, label: `canvas ${rgb.join(',')}`, width, height },
      encoder: { kind: encoder },
      statsIntervalMs: 500,
    });
    cameras.set(entityPath, {
      session,
      stopPainting: () => {
        stop();
        track.stop();
      },
      stall,
      events: cameraEvents(session),
    });
    await session.start();
  },
  async addPatternCamera({ entityPath, encoder, width, height }) {
    if (shared === undefined) throw new Error('openShared() first');
    const session = await CaptureSession.create({
      recording: shared,
      entityPath,
      source: { kind: 'test-pattern', width, height, frameRate: 30 },
      encoder: { kind: encoder },
      // Windows of their own: the stats window is 2 s, so every event covers frames no other one does.
      statsIntervalMs: 2000,
    });
    const events = cameraEvents(session, ['recording', 'error', 'stats']);
    cameras.set(entityPath, { session, stopPainting: () => {}, events });
    await session.start();
  },
  stallCamera(entityPath, ms) {
    cameras.get(entityPath)?.stall?.(ms);
  },
  async removeCamera(entityPath) {
    const camera = cameras.get(entityPath);
    if (camera === undefined) return;
    await camera.session.dispose();
    camera.stopPainting();
  },
  async switchCameraEncoder(entityPath, kind) {
    await cameras.get(entityPath)?.session.switchEncoder({ kind });
  },
  camera(entityPath): CameraSnapshot {
    const camera = cameras.get(entityPath);
    const session = camera?.session;
    return { ...sessionFields(session), events: camera?.events ?? [] };
  },
  async closeShared() {
    await shared?.close();
    for (const camera of cameras.values()) {
      await camera.session.dispose();
      camera.stopPainting();
    }
  },
  timeRange(timeline) {
    const id = viewer?.get_active_recording_id();
    return id === undefined || id === null ? null : (viewer?.get_time_range(id, timeline) ?? null);
  },
};

(window as unknown as { webTest: WebTestApi; webTestReady: boolean }).webTest = api;
(window as unknown as { webTestReady: boolean }).webTestReady = true;
