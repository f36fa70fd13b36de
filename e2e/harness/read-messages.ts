// A viewer stand-in for `--serve`: @grpc/grpc-js calling ReadMessages over h2c (Rerun's protos), keeping what
// arrives and how the call ended.
import { decodeRrd } from '@camstream/core';
import type { MessageKind } from '@camstream/core/wire';
import { type grpc, rawClient, unwrapLogMsg } from '@camstream/test-helpers/grpc-peer';
import { rrdOf, splitLogMsg } from './rerun-proxy-peer.js';

/** One video frame a reader or a file holds: its `time` and `log_time` (ns). */
export interface Frame {
  readonly time: bigint;
  readonly logTime: bigint;
}

/** A running ReadMessages call. */
export interface MessageReader {
  /** LogMsgs received so far, in order. */
  readonly messages: readonly { kind: MessageKind; payload: Uint8Array }[];
  /** The received messages as one RRD stream, for `decodeRrd`. */
  rrd(): Uint8Array;
  /** The call's end: its gRPC status (0 when the server ended it with an OK trailer). */
  readonly ended: Promise<{ code: number; details: string }>;
  cancel(): void;
}

/** Calls ReadMessages on `127.0.0.1:port` (a camstream `--serve`), collecting every message. */
export function readMessages(port: number): MessageReader {
  const client = rawClient(port);
  const messages: { kind: MessageKind; payload: Uint8Array }[] = [];
  const call = client.makeServerStreamRequest<Buffer, Buffer>(
    '/rerun.sdk_comms.v1alpha1.MessageProxyService/ReadMessages',
    (b) => b,
    (b) => b,
    Buffer.alloc(0),
  );
  call.on('data', (m: Buffer) => messages.push(splitLogMsg(unwrapLogMsg(m))));
  const ended = new Promise<{ code: number; details: string }>((resolve) => {
    call.on('status', (status: grpc.StatusObject) => {
      client.close();
      resolve({ code: status.code, details: status.details });
    });
    call.on('error', () => undefined); // the status event carries it
  });
  return { messages, rrd: () => rrdOf(messages), ended, cancel: () => call.cancel() };
}

/**
 * The video frames of an RRD stream on `entity` (`time` and `log_time` of each row), in order. A torn last
 * message (`rrd-truncated`) is allowed; any other decode error fails.
 */
export function videoFrames(rrd: Uint8Array, entity = '/video_stream'): Frame[] {
  const { messages, errors } = decodeRrd(rrd);
  for (const e of errors) if (e.code !== 'rrd-truncated') throw e;
  const frames: Frame[] = [];
  for (const m of messages) {
    if (m.kind !== 'arrow_msg' || m.chunk.isStatic || m.chunk.entityPath !== entity) continue;
    const time = m.chunk.timelines.find((t) => t.name === 'time')?.values ?? [];
    const logTime = m.chunk.timelines.find((t) => t.name === 'log_time')?.values ?? [];
    for (let i = 0; i < time.length; i++) frames.push({ time: time[i]!, logTime: logTime[i]! });
  }
  return frames;
}
