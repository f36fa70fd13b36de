import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRrd, isKeyframeSample } from '@camstream/core';
import { until } from '@camstream/test-helpers/until';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, poll, watchPage } from '../harness/browser.js';
import { assertCliBuilt, runCli, servedPort, startCli } from '../harness/cli-process.js';
import { readMessages, videoFrames } from '../harness/read-messages.js';
import { type ProxyPeer, startProxyPeer } from '../harness/rerun-proxy-peer.js';
import { showsTestPattern } from '../harness/test-pattern-pixels.js';
import { readSaved } from './capture-media.js';

// `camstream capture` to live sinks, run as the built binary: --serve played by the real web viewer
// (@rerun-io/web-viewer 0.33.0, on the page the CLI serves) in Chromium, --connect received by an independent gRPC server (@grpc/grpc-js with Rerun's protos).
const artifacts = join(import.meta.dirname, '..', 'test-results');
let dir: string;
let browser: Browser;
let peer: ProxyPeer;

beforeAll(async () => {
  assertCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'camstream-capture-live-'));
  [browser, peer] = await Promise.all([launchBrowser(), startProxyPeer()]);
});

afterAll(async () => {
  await browser?.close();
  await peer?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The part of the hosted page's `WebViewer` (window.camstream.viewer) the test reads. */
interface HostedViewer {
  get_active_recording_id(): string | null;
  get_time_range(recording: string, timeline: string): { min: number; max: number } | null;
}

/** Video chunks a peer received, decoded by core's decoder (which fails the test on a bad stream). */
function receivedVideo(p: ProxyPeer): { rows: number[]; recordingIds: string[]; entities: string[] } {
  const { messages, errors } = decodeRrd(p.rrd());
  expect(errors).toEqual([]);
  expect(messages[0]?.kind).toBe('set_store_info');
  const chunks = messages.flatMap((m) => (m.kind === 'arrow_msg' && !m.chunk.isStatic ? [m] : []));
  return {
    rows: chunks.filter((m) => m.chunk.entityPath === '/video_stream').map((m) => m.chunk.numRows),
    recordingIds: [...new Set(messages.flatMap((m) => (m.kind === 'end' ? [] : [m.storeId.recordingId])))],
    entities: [...new Set(chunks.map((m) => m.chunk.entityPath))].sort(),
  };
}

describe('camstream capture to live sinks', () => {
  it('--serve, --save and --connect at once: the viewer plays it live, Ctrl-C ends every sink cleanly', async () => {
    const save = join(dir, 'served.rrd');
    const before = peer.messages.length;
    const cli = startCli([
      'capture',
      '--encoder',
      'wasm',
      '--serve',
      '127.0.0.1:0',
      '--save',
      save,
      '--connect',
      peer.url,
      '--size',
      '320x180',
      '--preset',
      'ultrafast',
      '--recording-id',
      'e2e-serve',
    ]);
    const [url] = await cli.waitFor(/^http:\/\/127\.0\.0\.1:\d+$/m, 'stdout');

    // The hosted page at the URL the CLI printed plays the pattern live: the recording is ours, its time range
    // grows in real time, and the bars are on screen.
    const page = await browser.newPage({ viewport: { width: 960, height: 720 } });
    const watch = watchPage(page);
    await page.goto(url);
    const liveRange = () =>
      page.evaluate(() => {
        const viewer = (window as unknown as { camstream?: { viewer: HostedViewer } }).camstream?.viewer;
        const id = viewer?.get_active_recording_id() ?? null;
        return id === 'e2e-serve' ? (viewer?.get_time_range(id, 'time') ?? null) : null;
      });
    const first = await poll(
      'the live recording on the hosted page',
      async () => (await liveRange()) ?? undefined,
    );
    await poll('its time range to grow', async () => {
      const range = await liveRange();
      return range !== null && range.max >= first.max + 1e9 ? range : undefined;
    });
    const png = await poll('the live pattern on the hosted page', async () => {
      const shot = await page.screenshot();
      return showsTestPattern(shot).ok ? shot : undefined;
    });
    writeFileSync(join(artifacts, 'capture-serve-hosted.png'), png);

    cli.child.kill('SIGINT');
    const result = await cli.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${url}\n`);
    const done = /stopped: (\d+) frames \(\d+ keyframes, (\d+) dropped(?:, \d+ late)?\)/.exec(result.stderr);
    expect(done, result.stderr).not.toBeNull();
    const frames = Number(done![1]);

    // The file is complete; the gRPC peer got the same frames in a call the CLI ended cleanly.
    const saved = readSaved(save);
    expect(saved.samples).toBe(frames);
    expect(saved.recordingId).toBe('e2e-serve');
    const received = receivedVideo(peer);
    expect(received.recordingIds).toEqual(['e2e-serve']);
    expect(received.rows.reduce((a, b) => a + b, 0)).toBe(frames);
    expect(peer.messages.length).toBeGreaterThan(before);
    expect(peer.completedCalls).toBeGreaterThanOrEqual(1);

    // Viewers got a proper end (a closed stream, not "Data source has left unexpectedly").
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(watch.problems()).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
    await page.close();
  });

  it('--connect with micro-batching flags: the gRPC peer receives a valid stream in batches', async () => {
    const fresh = await startProxyPeer();
    try {
      const result = await runCli([
        'capture',
        '--encoder',
        'wasm',
        '--connect',
        fresh.url,
        '--frames',
        '45',
        '--size',
        '320x180',
        '--preset',
        'ultrafast',
        '--stats',
        '--batch-rows',
        '5',
        '--batch-delay-ms',
        '2000',
        '--recording-id',
        'e2e-connect',
        '--log-format',
        'json',
      ]);
      expect(result.code, result.stderr).toBe(0);
      const done = result.stderr
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { event: string; frames?: number; dropped?: number })
        .find((e) => e.event === 'done');
      expect((done?.frames ?? 0) + (done?.dropped ?? 0)).toBe(45);
      const received = receivedVideo(fresh);
      expect(received.recordingIds).toEqual(['e2e-connect']);
      expect(received.rows.reduce((a, b) => a + b, 0)).toBe(done?.frames);
      // Chunks of at most 5 rows (--batch-rows), full ones except where the close flushed.
      expect(Math.max(...received.rows)).toBe(5);
      expect(received.rows.slice(0, -1).every((n) => n === 5)).toBe(true);
      expect(received.entities).toContain('/stats/encode_latency_ms');
      expect(fresh.completedCalls).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it('--serve sends viewers about 100 ms of frames per message, each keyframe first in its own; --serve-batch 0 each frame at once', async () => {
    /**
     * The video messages a ReadMessages client got from a 30 fps capture (GOP 10) over its first 60 frames: rows
     * each, and where in each the keyframes are.
     */
    const served = async (extra: readonly string[]): Promise<{ rows: number; keyframesAt: number[] }[]> => {
      const cli = startCli([
        ...['capture', '--pattern', '160x96@30', '--preset', 'ultrafast', '--gop', '10'],
        ...['--serve', '127.0.0.1:0', ...extra],
      ]);
      try {
        const reader = readMessages(await servedPort(cli));
        await until('60 frames served', () => videoFrames(reader.rrd()).length >= 60);
        reader.cancel();
        const { messages } = decodeRrd(reader.rrd());
        return messages.flatMap((m) => {
          if (m.kind !== 'arrow_msg' || m.chunk.isStatic || m.chunk.entityPath !== '/video_stream') return [];
          const samples = m.chunk.components.find((c) => c.component === 'VideoStream:sample')?.rows ?? [];
          const keyframesAt = samples.flatMap((row, i) =>
            row !== null && isKeyframeSample(Uint8Array.from(row[0] as Iterable<number>), 'h264') ? [i] : [],
          );
          return [{ rows: m.chunk.numRows, keyframesAt }];
        });
      } finally {
        cli.child.kill('SIGINT');
        await cli.done;
      }
    };
    // Up to 100 ms of a 30 fps stream per message (3 frames; more when the machine is busy), not one each; a
    // keyframe opens its message, so a late joiner replayed from it gets no frame from before it.
    const batched = await served([]);
    const rows = batched.map((m) => m.rows);
    expect(rows.reduce((a, b) => a + b, 0) / rows.length, JSON.stringify(rows)).toBeGreaterThan(1.5);
    expect(batched.filter((m) => m.keyframesAt.length > 0).length).toBeGreaterThanOrEqual(5);
    for (const m of batched)
      expect(
        m.keyframesAt.every((i) => i === 0),
        JSON.stringify(batched),
      ).toBe(true);
    expect(new Set((await served(['--serve-batch', '0'])).map((m) => m.rows))).toEqual(new Set([1]));
  });
});
