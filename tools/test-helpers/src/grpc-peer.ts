// The independent gRPC peer for tests: @grpc/grpc-js + @grpc/proto-loader built from core's .proto files.
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

// Read from the checkout by path: this package depends on no workspace package, so packages can depend on it.
const PROTO_DIR = join(import.meta.dirname, '..', '..', '..', 'packages', 'core', 'proto');
const SERVICE = 'rerun.sdk_comms.v1alpha1.MessageProxyService';

/** The MessageProxyService definition as proto-loader builds it from `sdk_comms.proto`. */
export function loadMessageProxy(): grpc.ServiceDefinition {
  const definition = loadSync('rerun/v1alpha1/sdk_comms.proto', {
    includeDirs: [PROTO_DIR],
    keepCase: true,
    longs: String,
    bytes: Buffer,
  });
  return definition[SERVICE] as grpc.ServiceDefinition;
}

const identity = (b: Buffer) => b;

/** The same service with raw-bytes (de)serialisers, so tests compare wire bytes. */
export function rawMessageProxy(): grpc.ServiceDefinition {
  const loaded = loadMessageProxy();
  const raw: Record<string, grpc.MethodDefinition<Buffer, Buffer>> = {};
  for (const [name, method] of Object.entries(loaded))
    raw[name] = {
      ...(method as grpc.MethodDefinition<unknown, unknown>),
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    };
  return raw as grpc.ServiceDefinition;
}

/** `WriteMessagesRequest{log_msg}` / `ReadMessagesResponse{log_msg}` bytes around raw LogMsg bytes. */
export function wrapLogMsg(logMsg: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([0x0a]), varint(logMsg.length), logMsg]);
}

/** The raw LogMsg bytes inside a `{log_msg = 1}` wrapper. */
export function unwrapLogMsg(bytes: Uint8Array): Uint8Array {
  if (bytes[0] !== 0x0a) throw new Error(`expected field 1, got tag ${bytes[0]}`);
  let length = 0;
  let shift = 0;
  let at = 1;
  for (;;) {
    const b = bytes[at++]!;
    length |= (b & 0x7f) << shift;
    if (b < 0x80) break;
    shift += 7;
  }
  return bytes.subarray(at, at + length);
}

/** A LogMsg (oneof field 1/2/3) around a message payload. */
export function logMsgBytes(
  kind: 'set_store_info' | 'arrow_msg' | 'blueprint_activation_command',
  payload: Uint8Array,
): Uint8Array {
  const field = kind === 'set_store_info' ? 1 : kind === 'arrow_msg' ? 2 : 3;
  return Buffer.concat([Buffer.from([(field << 3) | 2]), varint(payload.length), payload]);
}

/** The protobuf base-128 varint of `n`. */
export function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

/** A raw-bytes grpc-js client for the service at `127.0.0.1:port` (h2c). */
export function rawClient(port: number): grpc.Client {
  const Client = grpc.makeGenericClientConstructor(rawMessageProxy(), 'MessageProxyService');
  return new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}

export { grpc };
