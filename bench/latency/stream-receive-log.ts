import { decodeRrd } from '@camstream/core';
import { unwrapLogMsg } from '@camstream/test-helpers/grpc-peer';
import type { CDPSession, Page } from 'playwright-core';
import { rrdOf, splitLogMsg } from '../../e2e/harness/rerun-proxy-peer.js';
import type { FrameWay } from './latency-stats.js';

/** gRPC-web frame header: one flag byte (0x80 = trailers) and a 4-byte big-endian length. */
const FRAME_HEADER = 5;
const TRAILERS_FLAG = 0x80;

interface RequestWillBeSent {
  readonly requestId: string;
  readonly request: { readonly url: string; readonly method: string };
  /** Monotonic seconds. */
  readonly timestamp: number;
  /** Wall-clock seconds since 1970. */
  readonly wallTime: number;
}

interface DataReceived {
  readonly requestId: string;
  readonly timestamp: number;
  readonly data?: string;
}

/** What a video frame's message says of its way: which frame it is, when it was captured and logged. */
export interface FrameMessageTimes {
  /** The row's `time` (the frame's PTS), ns. */
  readonly timeNs: bigint;
  /** The row's `log_time` (the capture wall-clock time the producer logged), ms. */
  readonly logTimeMs: number;
  /** The time in the row's RowId (when the producer logged it), ms. */
  readonly rowIdMs: number;
}

/**
 * When the page received each message of the viewer's `ReadMessages` stream (gRPC-web over `fetch`): CDP's
 * Network domain with the response body streamed (`Network.streamResourceContent`), cut into gRPC-web frames;
 * a message counts as received when the chunk that completes it arrives. Times are wall-clock ms (the
 * network clock mapped through the request's `wallTime`).
 */
export class StreamReceiveLog {
  readonly #cdp: CDPSession;
  /** Arrival of each data frame (one LogMsg each), wall-clock ms, in order. */
  readonly receivedAtMs: number[] = [];
  /** Each data frame's bytes (a ReadMessagesResponse), in order. */
  readonly #payloads: Uint8Array[] = [];
  #requestId: string | undefined;
  /** `ReadMessages` streams the page opened (more than one: it reconnected, and the log follows the last). */
  streams = 0;
  #wallOffsetMs = 0;
  #pending = Buffer.alloc(0);
  /** Chunks that came before the bytes buffered ahead of streaming did: they follow those. */
  #early: { bytes: Buffer; atMs: number }[] | undefined = [];
  /** Requests whose streaming was asked for (and has not failed). */
  readonly #streaming = new Set<string>();

  private constructor(cdp: CDPSession) {
    this.#cdp = cdp;
  }

  /** Starts watching `page`'s network; call before the page opens the stream. */
  static async attach(page: Page): Promise<StreamReceiveLog> {
    const cdp = await page.context().newCDPSession(page);
    const log = new StreamReceiveLog(cdp);
    const stream = (requestId: string) => {
      if (log.#streaming.has(requestId)) return;
      log.#streaming.add(requestId);
      cdp
        .send('Network.streamResourceContent', { requestId })
        .then((r) => {
          if (requestId !== log.#requestId) return;
          log.#onData(Buffer.from(r.bufferedData, 'base64'), Date.now());
          for (const chunk of log.#early ?? []) log.#onData(chunk.bytes, chunk.atMs);
          log.#early = undefined;
        })
        // Too early (no response yet): tried again when the response comes.
        .catch(() => log.#streaming.delete(requestId));
    };
    cdp.on('Network.requestWillBeSent', (e: RequestWillBeSent) => {
      if (log.#onRequest(e)) stream(e.requestId);
    });
    cdp.on('Network.responseReceived', (e: { requestId: string }) => {
      if (e.requestId === log.#requestId) stream(e.requestId);
    });
    cdp.on('Network.dataReceived', (e: DataReceived) => {
      if (e.requestId !== log.#requestId || e.data === undefined) return;
      const chunk = { bytes: Buffer.from(e.data, 'base64'), atMs: e.timestamp * 1000 + log.#wallOffsetMs };
      if (log.#early === undefined) log.#onData(chunk.bytes, chunk.atMs);
      else log.#early.push(chunk);
    });
    // Buffers that hold what arrives before streaming starts (it is sent along when it does).
    await cdp.send('Network.enable', { maxTotalBufferSize: 64 << 20, maxResourceBufferSize: 32 << 20 });
    return log;
  }

  /** Whether `e` opens the viewer's stream (then it is the one watched from now on). */
  #onRequest(e: RequestWillBeSent): boolean {
    // The POST itself, not its CORS preflight (a page on another origin than the server).
    if (e.request.method !== 'POST' || !e.request.url.endsWith('/ReadMessages')) return false;
    // A new stream (the page reconnected): its messages follow.
    this.streams++;
    this.#requestId = e.requestId;
    this.#wallOffsetMs = e.wallTime * 1000 - e.timestamp * 1000;
    this.#pending = Buffer.alloc(0);
    this.#early = [];
    return true;
  }

  #onData(bytes: Buffer, atMs: number): void {
    let buffer = this.#pending.length === 0 ? bytes : Buffer.concat([this.#pending, bytes]);
    while (buffer.length >= FRAME_HEADER) {
      const length = buffer.readUInt32BE(1);
      if (buffer.length < FRAME_HEADER + length) break;
      if ((buffer[0]! & TRAILERS_FLAG) === 0) {
        this.receivedAtMs.push(atMs);
        this.#payloads.push(Uint8Array.from(buffer.subarray(FRAME_HEADER, FRAME_HEADER + length)));
      }
      buffer = buffer.subarray(FRAME_HEADER + length);
    }
    this.#pending = Buffer.from(buffer);
  }

  /**
   * The `time`, `log_time` and RowId time of each video row of message `index` (none for other messages; a
   * served capture sends several frames per message): read after the run, through core's RRD decoder.
   */
  frameTimes(index: number): FrameMessageTimes[] {
    const payload = this.#payloads[index];
    if (payload === undefined) return [];
    const { messages } = decodeRrd(rrdOf([splitLogMsg(unwrapLogMsg(payload))]));
    const message = messages[0];
    if (message?.kind !== 'arrow_msg' || message.chunk.isStatic) return [];
    const { chunk } = message;
    const logTimes = chunk.timelines.find((t) => t.name === 'log_time')?.values;
    const times = chunk.timelines.find((t) => t.name === 'time')?.values;
    if (logTimes === undefined || times === undefined) return [];
    return chunk.rowIds.map((rowId, row) => ({
      timeNs: times[row]!,
      logTimeMs: Number(logTimes[row]!) / 1e6,
      rowIdMs: Number(rowId.timeNs) / 1e6,
    }));
  }

  /**
   * Every video frame received, with its times and when the message holding it arrived; `stampOf` gives the
   * stamped time of the frame whose `time` (PTS) is given, where the bench knows it.
   */
  frameWays(stampOf: (timeNs: bigint) => number | undefined): FrameWay[] {
    return this.receivedAtMs.flatMap((receivedAtMs, i) =>
      this.frameTimes(i).map((times, row) => ({
        receivedAtMs,
        stampMs: stampOf(times.timeNs),
        readMs: times.logTimeMs,
        loggedMs: times.rowIdMs,
        firstInMessage: row === 0,
      })),
    );
  }

  /** The frame index of every video frame received, in order (`index` maps a PTS to it). */
  frameIndices(index: (timeNs: bigint) => number): number[] {
    return this.receivedAtMs.flatMap((_, i) => this.frameTimes(i).map((times) => index(times.timeNs)));
  }

  async detach(): Promise<void> {
    await this.#cdp.detach().catch(() => {});
  }
}
