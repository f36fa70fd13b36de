// An independent Rerun proxy for `--connect` tests: @grpc/grpc-js serving MessageProxyService/WriteMessages
// from the same .proto files (the server package's grpc-js peer), collecting what a client streams.
import { MessageKind, streamHeader } from '@camstream/core/wire';
import { concatBytes } from '@camstream/test-helpers/bytes';
import { grpc, rawMessageProxy, unwrapLogMsg } from '@camstream/test-helpers/grpc-peer';
import { messageHeader } from '@camstream/test-helpers/rrd';

/** What the peer received. */
export interface ProxyPeer {
  /** `rerun+http://127.0.0.1:PORT/proxy`. */
  readonly url: string;
  /** WriteMessages calls that ended cleanly (the client closed its stream). */
  readonly completedCalls: number;
  /** LogMsgs received, in order. */
  readonly messages: readonly { kind: MessageKind; payload: Uint8Array }[];
  /** The received messages as one RRD stream (StreamHeader + MessageHeaders + payloads), for `decodeRrd`. */
  rrd(): Uint8Array;
  close(): Promise<void>;
}

/** Reads a LogMsg's oneof: field 1 set_store_info, 2 arrow_msg, 3 blueprint_activation_command. */
export function splitLogMsg(logMsg: Uint8Array): { kind: MessageKind; payload: Uint8Array } {
  const field = logMsg[0]! >> 3;
  let length = 0;
  let shift = 0;
  let at = 1;
  for (;;) {
    const b = logMsg[at++]!;
    length += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
    shift += 7;
  }
  const kind =
    field === 1
      ? MessageKind.SetStoreInfo
      : field === 2
        ? MessageKind.ArrowMsg
        : MessageKind.BlueprintActivationCommand;
  return { kind, payload: logMsg.subarray(at, at + length) };
}

/** Starts the peer on a free loopback port. */
export async function startProxyPeer(): Promise<ProxyPeer> {
  const messages: { kind: MessageKind; payload: Uint8Array }[] = [];
  let completedCalls = 0;
  const server = new grpc.Server();
  server.addService(rawMessageProxy(), {
    WriteMessages(call: grpc.ServerReadableStream<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) {
      call.on('data', (request: Buffer) => messages.push(splitLogMsg(unwrapLogMsg(request))));
      call.on('end', () => {
        completedCalls++;
        callback(null, Buffer.alloc(0));
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    url: `rerun+http://127.0.0.1:${port}/proxy`,
    get completedCalls() {
      return completedCalls;
    },
    messages,
    rrd: () => rrdOf(messages),
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

/** LogMsgs as one RRD stream (StreamHeader + MessageHeaders + payloads), for `decodeRrd`. */
export function rrdOf(messages: readonly { kind: MessageKind; payload: Uint8Array }[]): Uint8Array {
  return concatBytes([
    streamHeader(),
    ...messages.flatMap((m) => [messageHeader(m.kind, m.payload.length), m.payload]),
  ]);
}
