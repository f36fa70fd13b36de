import { type CameraDevice, listCameras, type RrdChannel } from '@camstream/web';
import type { WebViewer } from '@rerun-io/web-viewer';
import type { StreamStats } from '../stats.js';
import { CameraList } from '../ui/camera-list.js';
import { type ErrorBanner, keepFocus, type PageElements } from '../ui/page.js';
import type { StatsPanel } from '../ui/stats-panel.js';
import {
  type BackendChoice,
  type DemoCamera,
  DemoSession,
  type DemoSource,
  MAX_CAMERAS,
} from './demo-session.js';

const FPS = 30;
const STATS_INTERVAL_MS = 500;
const TEST_PATTERN = 'test-pattern';

function parseResolution(value: string): { width: number; height: number } {
  const [w, h] = value.split('x').map(Number);
  if (w === undefined || h === undefined || !(w > 0 && h > 0)) throw new Error(`bad resolution "${value}"`);
  return { width: w, height: h };
}

/** A picker's value as a source: the test pattern, the default camera (`''`) or a device id. */
function sourceOf(value: string): DemoSource {
  return value === TEST_PATTERN ? { kind: 'test-pattern' } : { kind: 'camera', deviceId: value || undefined };
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
  readonly #cameraList: CameraList;
  /** The browser's cameras, as last listed. */
  #devices: CameraDevice[] = [];
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
    this.#cameraList = new CameraList(ui.cameras);
    this.#cameraList.onRemove = (entityPath) => void this.removeCamera(entityPath);
    ui.cameras.add.addEventListener('click', () => void this.addCamera());
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
    this.#devices = cameras.filter((c) => c.deviceId !== '');
    this.#fillAddSources();
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
    this.#renderCameras();
  }

  /**
   * Adds a camera to the running session, from `value` (a device id, `''` the default camera, `test-pattern`)
   * or the "Add camera" picker; the cameras already streaming go on. Returns its entity path.
   */
  async addCamera(value?: string): Promise<string | undefined> {
    const session = this.#session;
    if (session === undefined || this.#busy) return undefined;
    this.#busy = true;
    this.updateControls();
    this.#errors.clear();
    try {
      const camera = await session.addCamera(sourceOf(value ?? this.#ui.cameras.addSource.value));
      return camera.entityPath;
    } catch (error) {
      this.#errors.show(error);
      return undefined;
    } finally {
      this.#busy = false;
      this.#fillAddSources();
      this.updateControls();
    }
  }

  /** Removes one camera; the others go on. Removing the last one stops the session. */
  async removeCamera(entityPath: string): Promise<void> {
    const session = this.#session;
    if (session === undefined || this.#busy) return;
    if (session.cameras().filter((c) => c.entityPath !== entityPath && c.running).length === 0) {
      await this.stop();
      return;
    }
    this.#busy = true;
    this.updateControls();
    try {
      await session.removeCamera(entityPath);
    } catch (error) {
      this.#errors.show(error);
    } finally {
      this.#busy = false;
      this.#fillAddSources();
      this.updateControls();
    }
  }

  /** The cameras of the running session (none while stopped). */
  cameras(): readonly DemoCamera[] {
    return this.#session?.cameras() ?? [];
  }

  /** The picker of "Add camera": every browser camera and the test pattern, the first camera not in use chosen. */
  #fillAddSources(): void {
    const select = this.#ui.cameras.addSource;
    const inUse = new Set(this.cameras().map((c) => c.deviceId));
    select.replaceChildren(
      ...this.#devices.map((d, i) => new Option(d.label || `Camera ${i + 1}`, d.deviceId)),
      new Option('Test pattern', TEST_PATTERN),
    );
    select.value = this.#devices.find((d) => !inUse.has(d.deviceId))?.deviceId ?? TEST_PATTERN;
  }

  #renderCameras(): void {
    const session = this.#session;
    const cameras = session?.cameras() ?? null;
    this.#cameraList.render(
      cameras?.map((c) => ({
        entityPath: c.entityPath,
        label: c.fromCamera
          ? c.sourceLabel
          : c.fallbackReason === undefined
            ? 'test pattern'
            : 'test pattern (no camera)',
        running: c.running,
        stats: c.stats(),
      })) ?? null,
      session !== undefined && !this.#busy && (cameras?.length ?? 0) < MAX_CAMERAS,
    );
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
        // One camera failed and stopped: the others go on; with none left, the session stops.
        onError: (error, camera) => {
          this.#errors.show(error);
          const others = this.#session?.cameras().filter((c) => c !== camera && c.running) ?? [];
          if (others.length === 0) void this.stop();
          else this.updateControls();
        },
      });
      this.#session = session;
      this.#last = session;
      this.#stats.reset(session.first.backend === 'webcodecs' ? 'WebCodecs' : 'x264 wasm');
      this.#status(this.#describe(session));
      // Why the camera is not used, in full, for as long as the session runs.
      ui.notice.textContent = session.first.fallbackReason ?? '';
      ui.notice.hidden = session.first.fallbackReason === undefined;
      ui.status.title = `${session.first.width}×${session.first.height} at ${FPS} fps, ${session.first.codec}, recording ${session.recordingId}`;
      this.#stats.render(session.stats(), true);
      this.#fillAddSources();
      this.#timer = setInterval(() => {
        this.#stats.render(this.#session?.stats() ?? null, true);
        this.#renderCameras();
      }, STATS_INTERVAL_MS);
      // Camera labels become readable once access is granted.
      if (session.first.fromCamera) void this.refreshCameras();
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
    if (session.first.fallbackReason !== undefined) return `Streaming the test pattern (no camera) · ${rec}`;
    const source = session.first.fromCamera ? `camera “${session.first.sourceLabel}”` : 'test pattern';
    return `Streaming ${source} · ${session.first.width}×${session.first.height} · ${session.first.codec} · ${rec}`;
  }

  #status(text: string): void {
    this.#ui.status.textContent = text;
    this.#ui.status.title = text;
  }
}
