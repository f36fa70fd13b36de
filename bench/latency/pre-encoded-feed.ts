import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  AccessUnitSplitter,
  type EncodedMessage,
  RecordingStream,
  type Sink,
  VideoCodec,
  VideoStream,
} from '@camstream/core';
import { nativeX264Args } from '../lib.js';
import { StampedFrames } from './stamped-frames.js';

/** A recording built ahead of time: its opening messages, then one message per frame, due at `dueMs[i]`. */
export interface PreEncodedRecording {
  /** SetStoreInfo and the static codec: sent before the first frame. */
  readonly opening: readonly EncodedMessage[];
  /** One message per frame, in order. */
  readonly frames: readonly EncodedMessage[];
  /** When frame `i` is due, wall-clock ms: also the time stamped into its picture. */
  readonly dueMs: readonly number[];
}

/** Time of frame `i` at `fps` from `t0Ms`, whole wall-clock milliseconds (what its stamp says). */
function frameMs(t0Ms: number, i: number, fps: number): number {
  return Math.round(t0Ms + (i * 1000) / fps);
}

/**
 * Encodes `count` frames of the stamped test pattern, frame `i` stamped `t0Ms + i·1000/fps`, with the system
 * ffmpeg's libx264 (ultrafast, zerolatency, no B-frames, a keyframe every `fps` frames: camstream's own x264
 * options), and logs them as the CLI does (static H.264 `VideoStream` at `video_stream`, `time` = the frame's
 * PTS, `log_time` = its stamp) into messages kept in memory. The recording's clock reads each frame's due time
 * while it is logged, so its RowIds say when it is sent, as a live capture's do.
 */
export async function preEncode(
  width: number,
  height: number,
  fps: number,
  count: number,
  t0Ms: number,
): Promise<PreEncodedRecording> {
  const pattern = new StampedFrames(width, height, fps);
  const ffmpeg = spawn(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'yuv420p'],
      ...['-s', `${width}x${height}`, '-r', String(fps), '-i', '-'],
      ...nativeX264Args('ultrafast', fps, 2),
      ...['-f', 'h264', '-'],
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const pieces: Buffer[] = [];
  ffmpeg.stdout.on('data', (b: Buffer) => pieces.push(b));
  const exited = once(ffmpeg, 'close');
  const frame = new Uint8Array(pattern.frameBytes);
  for (let i = 0; i < count; i++) {
    // A copy per write: the pipe may still hold the previous buffer.
    if (!ffmpeg.stdin.write(Buffer.from(pattern.frame(i, frameMs(t0Ms, i, fps), frame))))
      await once(ffmpeg.stdin, 'drain');
  }
  ffmpeg.stdin.end();
  const [code] = await exited;
  if (code !== 0) throw new Error(`ffmpeg (libx264) exited with ${code} while pre-encoding`);
  const splitter = new AccessUnitSplitter({ codec: 'h264', copy: 'always' });
  const units = [...splitter.push(Buffer.concat(pieces)), ...splitter.end()];
  if (units.length !== count) throw new Error(`pre-encoding gave ${units.length} frames, not ${count}`);

  const messages: EncodedMessage[] = [];
  const collect: Sink = { write: (m) => messages.push(m), flush: () => {}, close: () => {} };
  let clockMs = t0Ms;
  const rec = new RecordingStream({
    applicationId: 'camstream',
    sourceName: 'camstream capture',
    sinks: [collect],
    clock: () => BigInt(Math.round(clockMs * 1000)) * 1000n,
  });
  rec.log('video_stream', new VideoStream({ codec: VideoCodec.H264 }), { static: true });
  const opening = messages.length;
  const dueMs: number[] = [];
  for (const [i, unit] of units.entries()) {
    clockMs = frameMs(t0Ms, i, fps);
    dueMs.push(clockMs);
    rec.setTime('time', { duration: (BigInt(i) * 1_000_000_000n) / BigInt(fps) });
    rec.setTime('log_time', { timestamp: BigInt(clockMs) * 1_000_000n });
    rec.log('video_stream', VideoStream.fromFields({ sample: unit.data }));
  }
  await rec.close();
  if (messages.length !== opening + count)
    throw new Error(`logging gave ${messages.length - opening} frame messages, not ${count}`);
  return { opening: messages.slice(0, opening), frames: messages.slice(opening), dueMs };
}

/**
 * Hands each frame's message to `sink` when it is due (a timer per frame, on the wall clock) until `signal`
 * aborts; resolves with how many were sent and how late they were at most (ms).
 */
export async function feedOnTime(
  recording: PreEncodedRecording,
  sink: Sink,
  signal: AbortSignal,
): Promise<{ sent: number; maxLateMs: number }> {
  let sent = 0;
  let maxLateMs = 0;
  for (const [i, message] of recording.frames.entries()) {
    if (signal.aborted) break;
    const wait = recording.dueMs[i]! - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    maxLateMs = Math.max(maxLateMs, Date.now() - recording.dueMs[i]!);
    sink.write(message);
    sent++;
  }
  return { sent, maxLateMs };
}
