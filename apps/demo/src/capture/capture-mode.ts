import { listCameras, type RrdChannel } from '@camstream/web';
import type { WebViewer } from '@rerun-io/web-viewer';
import type { StreamStats } from '../stats.js';
import { type ErrorBanner, keepFocus, type PageElements } from '../ui/page.js';
import type { StatsPanel } from '../ui/stats-panel.js';
import { type BackendChoice, DemoSession } from './demo-session.js';

const FPS = 30;
const STATS_INTERVAL_MS = 500;
const TEST_PATTERN = 'test-pattern';

function parseResolution(value: string): { width: number; height: number } {
  const [w, h] = value.split('x').map(Number);
  if (w === undefined || h === undefined || !(w > 0 && h > 0)) throw new Error(`bad resolution "${value}"`);
  return { width: w, height: h };
}

function parseBitrate(input: HTMLInputElement): number {
  const kbps = Number(input.value);
  if (!Number.isFinite(kbps) || kbps < 100 || kbps > 20_000)
    throw new Error(`Bitrate must be between 100 and 20000 kbit/s, got "${input.value}".`);
  return Math.round(kbps * 1000);
}

/** The "Capture here" mode: the form, Start/Stop, and the running session's stats. */
export class CaptureMode {
  readonly #ui: PageElements;
  readonly #errors: ErrorBanner;
  readonly #stats: StatsPanel;
  #channel: RrdChannel | undefined;
  #session: DemoSession | undefined;
  #last: DemoSession | undefined;
  #busy = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  /** Told when a session starts or stops (the page locks the mode switch while one runs). */
  onChange: () => void = () => undefined;

  constructor(ui: PageElements, errors: ErrorBanner, stats: StatsPanel, viewer: WebViewer) {
    this.#ui = ui;
    this.#errors = errors;
    this.#stats = stats;
    ui.captureForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.start();
    });
    ui.stop.addEventListener('click', () => void this.stop());
    ui.backend.addEventListener('change', () => this.updateControls());
    // Show a session's recording as soon as the viewer knows it (each Start opens a new recording).
    viewer.on('recording_open', (event) => {
      if (event.recording_id === this.#session?.recordingId)
        viewer.set_active_recording_id(event.recording_id);
    });
  }

  /** The viewer is up: sessions can log into `channel`. */
  ready(channel: RrdChannel): void {
    this.#channel = channel;
    this.updateControls();
  }

  get running(): boolean {
    return this.#session !== undefined;
  }

  /** The running (or last) session. */
  get session(): DemoSession | undefined {
    return this.#session ?? this.#last;
  }

  stats(): StreamStats | null {
    return this.session?.stats() ?? null;
  }

  /** Fills the camera picker; with no camera the test pattern is preselected and the status says why. */
  async refreshCameras(): Promise<number> {
    const select = this.#ui.camera;
    const chosen = select.value;
    const cameras = await listCameras().catch(() => []);
    const options = [
      new Option(cameras.length > 0 ? 'Default camera' : 'Default camera (none found)', ''),
      ...cameras
        .filter((c) => c.deviceId !== '')
        .map((c, i) => new Option(c.label || `Camera ${i + 1}`, c.deviceId)),
      new Option('Test pattern (no camera)', TEST_PATTERN),
    ];
    select.replaceChildren(...options);
    const keep = options.some((o) => o.value === chosen);
    select.value =
      keep && !(cameras.length === 0 && chosen === '') ? chosen : cameras.length > 0 ? '' : TEST_PATTERN;
    return cameras.length;
  }

  updateControls(): void {
    const ui = this.#ui;
    const running = this.#session !== undefined;
    const locked = running || this.#busy;
    ui.start.disabled = this.#channel === undefined || locked;
    ui.stop.disabled = !running || this.#busy;
    for (const control of [ui.camera, ui.resolution, ui.backend, ui.bitrate]) control.disabled = locked;
    // The x264 preset only applies to the ffmpeg.wasm encoder.
    ui.preset.disabled = locked || ui.backend.value !== 'wasm';
  }

  async start(): Promise<void> {
    const channel = this.#channel;
    if (channel === undefined || this.#session !== undefined || this.#busy) return;
    const ui = this.#ui;
    this.#busy = true;
    this.updateControls();
    this.#errors.clear();
    ui.notice.hidden = true;
    this.#status('Starting…');
    try {
      const { width, height } = parseResolution(ui.resolution.value);
      const device = ui.camera.value;
      const session = await DemoSession.start({
        channel,
        source:
          device === TEST_PATTERN
            ? { kind: 'test-pattern' }
            : { kind: 'camera', deviceId: device || undefined },
        width,
        height,
        fps: FPS,
        backend: ui.backend.value as BackendChoice,
        bitrate: parseBitrate(ui.bitrate),
        preset: ui.preset.value,
        onError: (error) => {
          this.#errors.show(error);
          void this.stop();
        },
      });
      this.#session = session;
      this.#last = session;
      this.#stats.reset(session.backend === 'webcodecs' ? 'WebCodecs' : 'x264 wasm');
      this.#status(this.#describe(session));
      // Why the camera is not used, in full, for as long as the session runs.
      ui.notice.textContent = session.fallbackReason ?? '';
      ui.notice.hidden = session.fallbackReason === undefined;
      ui.status.title = `${session.width}×${session.height} at ${FPS} fps, ${session.codec}, recording ${session.recordingId}`;
      this.#stats.render(session.stats(), true);
      this.#timer = setInterval(
        () => this.#stats.render(this.#session?.stats() ?? null, true),
        STATS_INTERVAL_MS,
      );
      // Camera labels become readable once access is granted.
      if (session.fromCamera) void this.refreshCameras();
    } catch (error) {
      this.#errors.show(error);
      this.#status('Stopped');
    } finally {
      this.#busy = false;
      this.updateControls();
      this.onChange();
      keepFocus(ui.start, ui.stop);
    }
  }

  async stop(): Promise<void> {
    const current = this.#session;
    if (current === undefined || this.#busy) return;
    this.#busy = true;
    this.updateControls();
    clearInterval(this.#timer);
    try {
      await current.stop();
    } catch (error) {
      this.#errors.show(error);
    } finally {
      this.#session = undefined;
      this.#busy = false;
      this.#stats.render(current.stats(), false);
      this.#status(`Stopped · rec ${current.recordingId.slice(0, 8)}`);
      this.updateControls();
      this.onChange();
      keepFocus(this.#ui.stop, this.#ui.start);
    }
  }

  #describe(session: DemoSession): string {
    const rec = `rec ${session.recordingId.slice(0, 8)}`;
    if (session.fallbackReason !== undefined) return `Streaming the test pattern (no camera) · ${rec}`;
    const source = session.fromCamera ? `camera “${session.sourceLabel}”` : 'test pattern';
    return `Streaming ${source} · ${session.width}×${session.height} · ${session.codec} · ${rec}`;
  }

  #status(text: string): void {
    this.#ui.status.textContent = text;
    this.#ui.status.title = text;
  }
}
