import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordingStream, StreamCallbackSink, TextDocument } from '@camstream/core';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { type HarnessWindow, openViewer, poll, sendRrd } from '../harness/browser.js';
import { useViewerHarness } from '../harness/viewer-harness.js';

const artifacts = join(import.meta.dirname, '..', 'test-results');
const setup = useViewerHarness(artifacts);
const BENIGN_CONSOLE = [
  /Failed to load resource: .* 404/,
  /Unhandled egui viewport command: RequestUserAttention/,
];

/**
 * Grey pixels: the glyphs of text on the viewer's light background (the page outside the viewer is pure
 * black, and the empty viewer is a flat fill).
 */
function inkPixels(png: Buffer): number {
  const { data } = PNG.sync.read(png);
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
    const max = Math.max(r, g, b);
    if (max > 0 && max < 200 && max - Math.min(r, g, b) < 40) n++;
  }
  return n;
}

describe('the real web viewer (@rerun-io/web-viewer 0.33.0) reads what TextDocument logs', () => {
  it('a static Markdown TextDocument and a text log over a timeline load without viewer errors', async () => {
    const viewer = await openViewer(setup.browser, setup.server.url);
    const blank = await viewer.page.screenshot();
    writeFileSync(join(artifacts, 'text-document-before.png'), blank);
    const before = inkPixels(blank);
    await viewer.page.evaluate(() => (window as unknown as HarnessWindow).harness.openChannel('text'));
    const calls: Uint8Array[] = [];
    const rec = new RecordingStream({
      applicationId: 'camstream_e2e',
      recordingId: 'e2e-text-document',
      sinks: [new StreamCallbackSink((bytes) => calls.push(bytes.slice()), { mode: 'on-flush' })],
    });
    const heading = `# Kamera-Notizen 📷\n\n${'Überblick über die Aufnahme, 速い. '.repeat(12)}`;
    rec.log('notes', new TextDocument(heading, { mediaType: 'text/markdown' }), { static: true });
    for (let step = 0; step < 20; step++) {
      rec.setTime('step', { sequence: step });
      rec.log('log', new TextDocument(step % 5 === 0 ? '' : `Zeile ${step}: ÄÖÜ ✓`));
    }
    await rec.close();
    await sendRrd(viewer.page, calls);

    const h = {
      recording: () =>
        viewer.page.evaluate(() => (window as unknown as HarnessWindow).harness.activeRecording()),
      timeRange: (timeline: string) =>
        viewer.page.evaluate((t) => (window as unknown as HarnessWindow).harness.timeRange(t), timeline),
    };
    await poll('recording to open', async () =>
      (await h.recording()) === 'e2e-text-document' ? true : undefined,
    );
    // The step range comes from the store: the viewer took in every TextDocument row.
    const range = await poll('step range', async () => {
      const r = await h.timeRange('step');
      return r !== null && r.max === 19 ? r : undefined;
    });
    expect(range.min).toBe(0);
    // Text views show the documents: glyphs on their light background, far more ink than the empty viewer has.
    const shown = await poll('text on screen', async () => {
      const png = await viewer.page.screenshot();
      const n = inkPixels(png);
      writeFileSync(join(artifacts, 'text-document.png'), png);
      return n > before + 2000 ? n : undefined;
    });
    expect(shown).toBeGreaterThan(before + 2000);
    // Stricter than problems(): any warning but the page's missing favicon and egui's unsupported window hint.
    const warnings = viewer.console.filter(
      (l) => /^(warning|error)/.test(l) && !BENIGN_CONSOLE.some((re) => re.test(l)),
    );
    expect(warnings).toEqual([]);
    expect(viewer.problems()).toEqual([]);
    expect(viewer.pageErrors).toEqual([]);
    await viewer.page.close();
  });
});
