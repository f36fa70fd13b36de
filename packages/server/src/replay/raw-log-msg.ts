import { create, type UnknownField } from '@bufbuild/protobuf';
import { WireType } from '@bufbuild/protobuf/wire';
import type { EncodedMessageKind } from '@camstream/core';
import { type LogMsg, LogMsgSchema } from '@camstream/core/wire';

const FIELD: Record<EncodedMessageKind, number> = {
  set_store_info: 1,
  arrow_msg: 2,
  blueprint_activation_command: 3,
};

function varint(n: number): Uint8Array {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Uint8Array.from(out);
}

/**
 * A LogMsg that carries an already-encoded message payload as-is: the oneof field is kept as a raw
 * (unknown) field, which protobuf-es writes back verbatim. No decode, no re-encode, byte-for-byte the
 * payload the core encoded; readers on the other side see an ordinary LogMsg.
 */
export function rawLogMsg(kind: EncodedMessageKind, payload: Uint8Array): LogMsg {
  const length = varint(payload.byteLength);
  const data = new Uint8Array(length.byteLength + payload.byteLength);
  data.set(length, 0);
  data.set(payload, length.byteLength);
  const field: UnknownField = { no: FIELD[kind], wireType: WireType.LengthDelimited, data };
  const msg = create(LogMsgSchema);
  msg.$unknown = [field];
  return msg;
}
