import { type CaptureStats, type WasmEncoderModule, webCodecsSupport } from '@camstream/web';
import { WebViewer } from '@rerun-io/web-viewer';
import { CaptureMode } from './capture/capture-mode.js';
import { loadWasmEncoder, WASM_ASSETS } from './capture/demo-session.js';
import { ServeMode } from './serve/serve-mode.js';
import type { StreamStats } from './stats.js';
import { ErrorBanner, pageElements } from './ui/page.js';
import { StatsPanel } from './ui/stats-panel.js';

/**
 * What the page exposes on `window.camstreamDemo`, for tests, benchmarks and poking at from the console.
 * Documented in the demo's README; e2e/demo/demo-page.ts mirrors it.
 */
export interface CamstreamDemo {
  readonly viewer: WebViewer;
  /** Recording id of the running (or last) capture session; `null` before the first Start. */
  recordingId(): string | null;
  /** Whether a capture session is streaming. */
  running(): boolean;
  /** The stats panel's numbers, or `null` before the first Start. */
  stats(): StreamStats | null;
  /**
   * The running (or last) session's first camera's `stats` events, as `CaptureSession` sent them (benchmarks
   * read these).
   */
  statsEvents(): readonly CaptureStats[];
  /** The running (or last) session's first camera's source and encoder; `null` before the first Start. */
  session(): { source: 'camera' | 'test-pattern'; fallbackReason: string | null; backend: string } | null;
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Adds a camera to the running session (`source`: a device id, `''` the default camera, `test-pattern`; the
   * "Add camera" picker's choice when absent). Resolves to its entity path, `null` if it could not be added.
   */
  addCamera(source?: string): Promise<string | null>;
  /** Removes the camera on `entityPath`; the others go on in the same recording. */
  removeCamera(entityPath: string): Promise<void>;
  /** The running session's cameras, each with its entity path, whether it streams and its numbers. */
  cameras(): { entityPath: string; label: string; running: boolean; stats: StreamStats }[];
  /** Opens a `camstream capture --serve` stream by URL (the "Open a stream" mode). */
  openServer(url: string): Promise<void>;
  /** The proxy URL the viewer follows in "Open a stream" mode, if any. */
  serverUrl(): string | null;
  /**
   * The page's ffmpeg.wasm encoder module and asset URLs, as the session gets them (benchmarks time the
   * encoder alone on pre-made frames with these).
   */
  wasmEncoder(): Promise<{ module: WasmEncoderModule; assets: typeof WASM_ASSETS }>;
}

declare global {
  interface Window {
    camstreamDemo?: CamstreamDemo;
  }
}

const ui = pageElements();
const errors = new ErrorBanner(ui.error);
const viewer = new WebViewer();
const stats = new StatsPanel(ui);
const capture = new CaptureMode(ui, errors, stats, viewer);
const serve = new ServeMode(ui, errors, viewer);

/** Shows the chosen mode's form; the switch is locked while a session runs or a stream is open. */
function syncModes(): void {
  const serving = ui.modeServe.checked;
  ui.captureForm.hidden = serving;
  ui.serveForm.hidden = !serving;
  const locked = capture.running || serve.openUrl !== null;
  ui.modeCapture.disabled = locked;
  ui.modeServe.disabled = locked;
}

function setStatus(text: string): void {
  ui.status.textContent = text;
  ui.status.title = text;
}

async function main(): Promise<void> {
  window.camstreamDemo = {
    viewer,
    recordingId: () => capture.session?.recordingId ?? null,
    running: () => capture.running,
    stats: () => capture.stats(),
    statsEvents: () => capture.session?.first.statsEvents() ?? [],
    session: () => {
      const s = capture.session?.first;
      if (s === undefined) return null;
      return {
        source: s.fromCamera ? 'camera' : 'test-pattern',
        fallbackReason: s.fallbackReason ?? null,
        backend: s.backend,
      };
    },
    start: () => capture.start(),
    stop: () => capture.stop(),
    addCamera: async (source) => (await capture.addCamera(source)) ?? null,
    removeCamera: (entityPath) => capture.removeCamera(entityPath),
    cameras: () =>
      capture.cameras().map((c) => ({
        entityPath: c.entityPath,
        label: c.sourceLabel,
        running: c.running,
        stats: c.stats(),
      })),
    openServer: async (url) => {
      ui.modeServe.checked = true;
      syncModes();
      await serve.open(url);
    },
    serverUrl: () => serve.openUrl,
    wasmEncoder: async () => ({ module: await loadWasmEncoder(), assets: WASM_ASSETS }),
  };
  for (const radio of [ui.modeCapture, ui.modeServe]) radio.addEventListener('change', syncModes);
  capture.onChange = syncModes;
  serve.onChange = syncModes;
  if (new URLSearchParams(location.search).has('server')) ui.modeServe.checked = true;
  syncModes();
  capture.updateControls();
  serve.updateControls();

  const cameras = await capture.refreshCameras();
  try {
    await viewer.start(null, ui.viewer, {
      hide_welcome_screen: true,
      width: '100%',
      height: '100%',
      theme: 'dark',
    });
  } catch (error) {
    setStatus('The viewer failed to start');
    errors.show(error);
    return;
  }
  viewer.override_panel_state('blueprint', 'collapsed');
  viewer.override_panel_state('selection', 'collapsed');
  capture.ready(viewer.open_channel('camstream'));
  serve.ready();
  const support = webCodecsSupport();
  if (!support.available) errors.show(support.reason);
  setStatus(
    cameras > 0
      ? 'Ready: press Start'
      : 'Ready: no camera found, so Start streams the test pattern through the real encoder and viewer',
  );
}

void main();
