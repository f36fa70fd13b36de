import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTimeStamp, type TimeStampRegion } from '@camstream/core/media';
import type { CDPSession, Page } from 'playwright-core';
import { PNG } from 'pngjs';

/** The wall-clock time (ms) stamped into a PNG picture of the screen, or why it did not read. */
export function readScreenStamp(png: Buffer, region?: TimeStampRegion): ReturnType<typeof readTimeStamp> {
  const image = PNG.sync.read(png);
  return readTimeStamp(image.data, image.width, image.height, region);
}

/** One screencast frame: where its PNG is, and when the compositor showed it. */
interface RecordedFrame {
  readonly file: string;
  /** The frame's compositor time (`metadata.timestamp`), wall-clock ms. */
  readonly shownAtMs: number;
  /** When the frame reached this process, wall-clock ms. */
  readonly receivedAtMs: number;
}

/** What one screencast frame showed: the stamped time, or why none could be read. */
export interface ScreenRead {
  /** The frame's compositor time, wall-clock ms (`Page.screencastFrame`'s `metadata.timestamp`). */
  readonly shownAtMs: number;
  /** When the frame reached the bench process, wall-clock ms. */
  readonly receivedAtMs: number;
  /** The capture time stamped into the picture, wall-clock ms; absent when the read failed. */
  readonly stampMs?: number;
  /** `readTimeStamp`'s error when the read failed. */
  readonly error?: string;
}

/** CDP's `Page.screencastFrame` event. */
interface ScreencastFrame {
  readonly data: string;
  readonly sessionId: number;
  readonly metadata: { readonly timestamp?: number };
}

/**
 * Records what a page shows through CDP's `Page.startScreencast` (PNG, every compositor frame): each frame is
 * acknowledged at once and written to a temporary folder with its compositor time; the pictures are decoded
 * and read only after the run ({@link ScreenRecorder.read}), so the reading takes no CPU from the path
 * being measured.
 */
export class ScreenRecorder {
  readonly #cdp: CDPSession;
  readonly #dir: string;
  readonly #frames: RecordedFrame[] = [];
  readonly #writes: Promise<void>[] = [];
  #stopped = false;

  private constructor(cdp: CDPSession) {
    this.#cdp = cdp;
    this.#dir = mkdtempSync(join(tmpdir(), 'camstream-latency-'));
  }

  /** Starts the screencast of `page` (at its viewport size, one screen pixel per image pixel). */
  static async start(page: Page): Promise<ScreenRecorder> {
    const cdp = await page.context().newCDPSession(page);
    const recorder = new ScreenRecorder(cdp);
    cdp.on('Page.screencastFrame', (frame: ScreencastFrame) => recorder.#onFrame(frame));
    const viewport = page.viewportSize();
    await cdp.send('Page.startScreencast', {
      format: 'png',
      everyNthFrame: 1,
      ...(viewport === null ? {} : { maxWidth: viewport.width, maxHeight: viewport.height }),
    });
    return recorder;
  }

  #onFrame(frame: ScreencastFrame): void {
    const receivedAtMs = Date.now();
    // Acknowledge first: the next frame is sent only after this one is.
    this.#cdp.send('Page.screencastFrameAck', { sessionId: frame.sessionId }).catch(() => {});
    if (this.#stopped) return;
    const timestamp = frame.metadata.timestamp;
    if (timestamp === undefined) throw new Error('a screencast frame came without its compositor timestamp');
    const file = join(this.#dir, `${String(this.#frames.length).padStart(6, '0')}.png`);
    this.#frames.push({ file, shownAtMs: timestamp * 1000, receivedAtMs });
    this.#writes.push(writeFile(file, Buffer.from(frame.data, 'base64')));
  }

  /** Stops the screencast and waits until every frame is on disk. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#cdp.send('Page.stopScreencast').catch(() => {});
    await Promise.all(this.#writes);
    await this.#cdp.detach().catch(() => {});
  }

  /**
   * Decodes every recorded frame whose compositor time lies in `[fromMs, toMs]` and reads its time stamp
   * (inside `region`, default the whole picture). A misread is kept as such, never as a time.
   */
  read(
    fromMs = Number.NEGATIVE_INFINITY,
    toMs = Number.POSITIVE_INFINITY,
    region?: TimeStampRegion,
  ): ScreenRead[] {
    const reads: ScreenRead[] = [];
    for (const frame of this.#frames) {
      if (frame.shownAtMs < fromMs || frame.shownAtMs > toMs) continue;
      const result = readScreenStamp(readFileSync(frame.file), region);
      const at = { shownAtMs: frame.shownAtMs, receivedAtMs: frame.receivedAtMs };
      reads.push('ms' in result ? { ...at, stampMs: result.ms } : { ...at, error: result.error });
    }
    return reads;
  }

  /** The PNG of the last frame in `[fromMs, toMs]` whose stamp reads (else the last frame), if any. */
  screenshot(fromMs = Number.NEGATIVE_INFINITY, toMs = Number.POSITIVE_INFINITY): Buffer | undefined {
    const inWindow = this.#frames.filter((f) => f.shownAtMs >= fromMs && f.shownAtMs <= toMs);
    for (let i = inWindow.length - 1; i >= Math.max(0, inWindow.length - 30); i--) {
      const png = readFileSync(inWindow[i]!.file);
      if ('ms' in readScreenStamp(png)) return png;
    }
    const last = inWindow.at(-1) ?? this.#frames.at(-1);
    return last === undefined ? undefined : readFileSync(last.file);
  }

  /** Deletes the recorded frames. */
  dispose(): void {
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** One stamped frame as it first reached the screen. */
export interface ShownFrame {
  readonly stampMs: number;
  readonly shownAtMs: number;
  /** `shownAtMs − stampMs`. */
  readonly latencyMs: number;
}

/**
 * Each stamped frame at its first appearance on screen: a frame that stays up over several screen updates
 * (the viewer redraws, nothing new arrived) is counted once, when it was first shown.
 */
export function shownFrames(reads: readonly ScreenRead[]): ShownFrame[] {
  const first = new Map<number, number>();
  for (const r of reads) {
    if (r.stampMs === undefined) continue;
    const seen = first.get(r.stampMs);
    if (seen === undefined || r.shownAtMs < seen) first.set(r.stampMs, r.shownAtMs);
  }
  return [...first]
    .map(([stampMs, shownAtMs]) => ({ stampMs, shownAtMs, latencyMs: shownAtMs - stampMs }))
    .sort((a, b) => a.shownAtMs - b.shownAtMs);
}
