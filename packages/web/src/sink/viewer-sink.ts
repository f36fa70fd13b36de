import { type BatchingPolicy, StreamCallbackSink, VIEWER_BATCHING } from '@camstream/core';

/**
 * What {@link viewerSink} needs of the web viewer's `LogChannel` (from `WebViewer.open_channel()` in
 * `@rerun-io/web-viewer`). Typed structurally so this package does not load the viewer at runtime.
 */
export interface RrdChannel {
  /** Hands the viewer one complete RRD stream (`RRF2` header plus whole messages). */
  send_rrd(bytes: Uint8Array): void;
}

/** Options of {@link viewerSink}. */
export interface ViewerSinkOptions {
  /**
   * How the recording batches what the viewer gets (the sink's `batching`). Default core's `VIEWER_BATCHING`
   * (100 ms): with one `send_rrd` per frame, a viewer without a GPU fell seconds behind within minutes.
   * `IMMEDIATE` sends each frame at once.
   */
  readonly batching?: BatchingPolicy;
}

/**
 * A core `Sink` that feeds an embedded web viewer live: one `send_rrd` call per message, each a complete
 * RRD stream (the viewer decodes every call on its own). The first call carries the recording's store info,
 * then come static data and the frames, up to 100 ms of them per message (see {@link ViewerSinkOptions}).
 *
 * The sink does not own the channel: closing the recording leaves the channel open for the next recording.
 *
 * @example
 * ```ts
 * const channel = viewer.open_channel('camstream');
 * const rec = new RecordingStream({ applicationId: 'camstream_demo', sinks: [viewerSink(channel)] });
 * ```
 */
export function viewerSink(channel: RrdChannel, options: ViewerSinkOptions = {}): StreamCallbackSink {
  return new StreamCallbackSink((rrd) => channel.send_rrd(rrd), {
    mode: 'per-message',
    batching: options.batching ?? VIEWER_BATCHING,
  });
}
