import type { StreamStats } from '../stats.js';

/** One camera as the list shows it. */
export interface CameraRow {
  readonly entityPath: string;
  readonly label: string;
  readonly running: boolean;
  readonly stats: StreamStats;
}

/** The list's elements in index.html. */
export interface CameraListElements {
  readonly section: HTMLElement;
  readonly list: HTMLElement;
  readonly addSource: HTMLSelectElement;
  readonly add: HTMLButtonElement;
}

/**
 * The "Cameras" section: every camera of the running session with its own numbers and a Remove button, and a
 * picker to add one. Rows are rebuilt only when cameras come or go; stats change only text in fixed cells.
 */
export class CameraList {
  readonly #ui: CameraListElements;
  readonly #rows = new Map<string, { row: HTMLElement; status: HTMLElement; numbers: HTMLElement }>();
  /** Told which camera's Remove was pressed. */
  onRemove: (entityPath: string) => void = () => undefined;

  constructor(ui: CameraListElements) {
    this.#ui = ui;
  }

  /** Shows the cameras (the section is hidden while no session runs) and whether another can be added. */
  render(cameras: readonly CameraRow[] | null, canAdd: boolean): void {
    const ui = this.#ui;
    ui.section.hidden = cameras === null;
    ui.add.disabled = !canAdd;
    ui.addSource.disabled = !canAdd;
    const wanted = new Set((cameras ?? []).map((c) => c.entityPath));
    for (const [entityPath, { row }] of this.#rows) {
      if (!wanted.has(entityPath)) {
        row.remove();
        this.#rows.delete(entityPath);
      }
    }
    for (const camera of cameras ?? []) {
      const cells = this.#rows.get(camera.entityPath) ?? this.#addRow(camera);
      cells.status.textContent = camera.running ? camera.label : `${camera.label} (stopped)`;
      cells.status.title = `${camera.entityPath}: ${camera.label}`;
      const s = camera.stats;
      cells.numbers.textContent = camera.running
        ? `${s.captureFps.toFixed(1)} fps · ${Math.round(s.kbps)} kbit/s · ${s.frames} frames · ${s.dropped} dropped`
        : `${s.frames} frames · ${s.dropped} dropped`;
    }
  }

  #addRow(camera: CameraRow): { row: HTMLElement; status: HTMLElement; numbers: HTMLElement } {
    const row = document.createElement('li');
    row.className = 'camera-row';
    row.dataset.entity = camera.entityPath;
    const entity = document.createElement('code');
    entity.textContent = camera.entityPath;
    const status = document.createElement('span');
    status.className = 'camera-label';
    const numbers = document.createElement('span');
    numbers.className = 'camera-numbers';
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'Remove';
    remove.setAttribute('aria-label', `Remove ${camera.entityPath}`);
    remove.addEventListener('click', () => this.onRemove(camera.entityPath));
    row.append(entity, status, remove, numbers);
    this.#ui.list.append(row);
    const cells = { row, status, numbers };
    this.#rows.set(camera.entityPath, cells);
    return cells;
  }
}
