import { isCamstreamError, type RrdChannel, webCodecsSupport } from '@camstream/web';
import { WebViewer } from '@rerun-io/web-viewer';
import { PatternSession } from './session.js';
import type { StreamStats } from './stats.js';

const FPS = 30;

/** What the page exposes for tests and for poking at from the console. */
export interface CamstreamDemo {
  readonly viewer: WebViewer;
  /** Recording id of the running (or last) session; `null` before the first Start. */
  recordingId(): string | null;
  /** Whether a session is streaming. */
  running(): boolean;
  /** The stats line's numbers, or `null` before the first Start. */
  stats(): StreamStats | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

declare global {
  interface Window {
    camstreamDemo?: CamstreamDemo;
  }
}

function element<T extends HTMLElement>(id: string, type: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`the page has no #${id} ${type.name}`);
  return el;
}

const ui = {
  start: element('start', HTMLButtonElement),
  stop: element('stop', HTMLButtonElement),
  resolution: element('resolution', HTMLSelectElement),
  status: element('status', HTMLElement),
  error: element('error', HTMLElement),
  viewer: element('viewer', HTMLElement),
  frames: element('stat-frames', HTMLElement),
  fps: element('stat-fps', HTMLElement),
  kbps: element('stat-kbps', HTMLElement),
  latency: element('stat-latency', HTMLElement),
  dropped: element('stat-dropped', HTMLElement),
};

const viewer = new WebViewer();
let channel: RrdChannel | undefined;
let session: PatternSession | undefined;
let lastSession: PatternSession | undefined;
let busy = false;
let statsTimer: ReturnType<typeof setInterval> | undefined;
const support = webCodecsSupport();

function describe(error: unknown): string {
  if (isCamstreamError(error)) return `${error.message} (${error.code})`;
  if (error instanceof Error) return error.message;
  return String(error);
}

function showError(error: unknown): void {
  console.error(error);
  ui.error.textContent = describe(error);
  ui.error.hidden = false;
}

function clearError(): void {
  ui.error.textContent = '';
  ui.error.hidden = true;
}

function setStatus(text: string): void {
  ui.status.textContent = text;
}

function parseResolution(value: string): { width: number; height: number } {
  const [w, h] = value.split('x').map(Number);
  if (w === undefined || h === undefined || !(w > 0 && h > 0)) throw new Error(`bad resolution "${value}"`);
  return { width: w, height: h };
}

/** Fills the stats line; rates show only while streaming (`live`), counters stay after Stop. */
function renderStats(stats: StreamStats | null, live: boolean): void {
  const rates = live && stats !== null ? stats : undefined;
  ui.frames.textContent = String(stats?.frames ?? 0);
  ui.fps.textContent = rates === undefined ? '–' : rates.fps.toFixed(1);
  ui.kbps.textContent = rates === undefined ? '–' : Math.round(rates.kbps).toString();
  ui.latency.textContent = rates?.latencyMs === undefined ? '–' : rates.latencyMs.toFixed(1);
  ui.dropped.textContent = String(stats?.dropped ?? 0);
}

function updateControls(): void {
  const ready = channel !== undefined && support.available;
  const running = session !== undefined;
  ui.start.disabled = !ready || running || busy;
  ui.stop.disabled = !running || busy;
  ui.resolution.disabled = running || busy;
}

/** Moves focus to `next` when the focused button just got disabled, so keyboard users keep their place. */
function keepFocus(from: HTMLButtonElement, next: HTMLButtonElement): void {
  if (document.activeElement === from && from.disabled && !next.disabled) next.focus();
}

async function start(): Promise<void> {
  if (channel === undefined || session !== undefined || busy) return;
  busy = true;
  updateControls();
  clearError();
  const { width, height } = parseResolution(ui.resolution.value);
  try {
    session = await PatternSession.start({
      channel,
      width,
      height,
      fps: FPS,
      onError: (error) => {
        showError(error);
        void stop();
      },
    });
    lastSession = session;
    setStatus(`Streaming · ${session.codec} · rec ${session.recordingId.slice(0, 8)}`);
    ui.status.title = `${width}×${height} at ${FPS} fps, ${session.codec}, recording ${session.recordingId}`;
    renderStats(session.stats(), true);
    statsTimer = setInterval(() => renderStats(session?.stats() ?? null, true), 250);
  } catch (error) {
    showError(error);
    setStatus('Stopped');
  } finally {
    busy = false;
    updateControls();
    keepFocus(ui.start, ui.stop);
  }
}

async function stop(): Promise<void> {
  const current = session;
  if (current === undefined || busy) return;
  busy = true;
  updateControls();
  clearInterval(statsTimer);
  try {
    await current.stop();
  } catch (error) {
    showError(error);
  } finally {
    session = undefined;
    busy = false;
    renderStats(current.stats(), false);
    setStatus(`Stopped · rec ${current.recordingId.slice(0, 8)}`);
    updateControls();
    keepFocus(ui.stop, ui.start);
  }
}

async function main(): Promise<void> {
  window.camstreamDemo = {
    viewer,
    recordingId: () => (session ?? lastSession)?.recordingId ?? null,
    running: () => session !== undefined,
    stats: () => (session ?? lastSession)?.stats() ?? null,
    start,
    stop,
  };
  ui.start.addEventListener('click', () => void start());
  ui.stop.addEventListener('click', () => void stop());
  renderStats(null, false);
  if (!support.available) showError(support.reason);

  // Show a session's recording as soon as the viewer knows it (a second Start opens a second recording).
  viewer.on('recording_open', (event) => {
    if (event.recording_id === session?.recordingId) viewer.set_active_recording_id(event.recording_id);
  });
  try {
    await viewer.start(null, ui.viewer, {
      hide_welcome_screen: true,
      width: '100%',
      height: '100%',
      theme: 'dark',
    });
  } catch (error) {
    setStatus('Viewer failed to start');
    showError(error);
    return;
  }
  viewer.override_panel_state('blueprint', 'collapsed');
  viewer.override_panel_state('selection', 'collapsed');
  channel = viewer.open_channel('camstream');
  setStatus(support.available ? 'Ready: press Start' : 'WebCodecs unavailable');
  updateControls();
}

void main();
