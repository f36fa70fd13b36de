import { isCamstreamError } from '@camstream/core/media';

function element<T extends HTMLElement>(id: string, type: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`the page has no #${id} ${type.name}`);
  return el;
}

/** Every element of index.html the script drives, looked up once (a missing one fails at load, loudly). */
export function pageElements() {
  return {
    modeCapture: element('mode-capture', HTMLInputElement),
    modeServe: element('mode-serve', HTMLInputElement),
    captureForm: element('capture-form', HTMLFormElement),
    camera: element('camera', HTMLSelectElement),
    resolution: element('resolution', HTMLSelectElement),
    backend: element('backend', HTMLSelectElement),
    preset: element('preset', HTMLSelectElement),
    bitrate: element('bitrate', HTMLInputElement),
    start: element('start', HTMLButtonElement),
    stop: element('stop', HTMLButtonElement),
    serveForm: element('serve-form', HTMLFormElement),
    serveUrl: element('serve-url', HTMLInputElement),
    serveOpen: element('serve-open', HTMLButtonElement),
    serveClose: element('serve-close', HTMLButtonElement),
    serveLink: element('serve-link', HTMLElement),
    status: element('status', HTMLElement),
    notice: element('notice', HTMLElement),
    error: element('error', HTMLElement),
    viewer: element('viewer', HTMLElement),
    chart: element('chart', HTMLCanvasElement),
    fps: element('stat-fps', HTMLElement),
    kbps: element('stat-kbps', HTMLElement),
    latency: element('stat-latency', HTMLElement),
    frames: element('stat-frames', HTMLElement),
    dropped: element('stat-dropped', HTMLElement),
    encoder: element('stat-encoder', HTMLElement),
    cameras: {
      section: element('cameras', HTMLElement),
      list: element('camera-list', HTMLElement),
      addSource: element('add-source', HTMLSelectElement),
      add: element('add-camera', HTMLButtonElement),
    },
  };
}

export type PageElements = ReturnType<typeof pageElements>;

/** A sentence for the page from anything thrown. */
export function describeError(error: unknown): string {
  if (isCamstreamError(error)) return `${error.message} (${error.code})`;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The error banner (role=alert): errors are shown in the page, and logged for developers. */
export class ErrorBanner {
  readonly #el: HTMLElement;

  constructor(el: HTMLElement) {
    this.#el = el;
  }

  show(error: unknown): void {
    console.error(error);
    this.#el.textContent = describeError(error);
    this.#el.hidden = false;
  }

  clear(): void {
    this.#el.textContent = '';
    this.#el.hidden = true;
  }
}

/** Moves focus to `next` when the focused control just got disabled, so keyboard users keep their place. */
export function keepFocus(
  from: HTMLElement & { disabled: boolean },
  next: HTMLElement & { disabled: boolean },
): void {
  if (document.activeElement === from && from.disabled && !next.disabled) next.focus();
}
