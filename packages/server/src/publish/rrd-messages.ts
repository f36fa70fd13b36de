import { create, fromBinary } from '@bufbuild/protobuf';
import type { EncodedMessageKind } from '@camstream/core';
import {
  ArrowMsgSchema,
  LogMsgSchema,
  MESSAGE_HEADER_LENGTH,
  MessageKind,
  STREAM_HEADER_LENGTH,
} from '@camstream/core/wire';
import { ServerError } from '../errors.js';
import { rawLogMsg } from '../replay/raw-log-msg.js';
import { type CodecTable, fromLogMsg, type StoredMessage } from '../replay/stored-message.js';

const KINDS: Record<number, EncodedMessageKind> = {
  [MessageKind.SetStoreInfo]: 'set_store_info',
  [MessageKind.ArrowMsg]: 'arrow_msg',
  [MessageKind.BlueprintActivationCommand]: 'blueprint_activation_command',
};

/**
 * Reads one complete RRD stream (what one publish message is, like `send_rrd`): the `RRF2` StreamHeader, then
 * whole messages; an End message (and footer) may close it. Payloads are forwarded byte for byte.
 * @throws {ServerError} `bad-message` for anything else (split streams included).
 */
export function storedFromRrd(bytes: Uint8Array, codecs: CodecTable): StoredMessage[] {
  const bad = (why: string) =>
    new ServerError('bad-message', `publish message is not a complete RRD stream: ${why}`);
  if (bytes.length < STREAM_HEADER_LENGTH || String.fromCharCode(...bytes.subarray(0, 4)) !== 'RRF2')
    throw bad('it does not start with the RRF2 StreamHeader');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: StoredMessage[] = [];
  let at = STREAM_HEADER_LENGTH;
  while (at < bytes.length) {
    if (bytes.length - at >= 4 && String.fromCharCode(...bytes.subarray(at, at + 4)) === 'RRF2') {
      at += STREAM_HEADER_LENGTH; // concatenated streams are fine
      continue;
    }
    if (bytes.length - at < MESSAGE_HEADER_LENGTH) throw bad(`a message header is cut off at byte ${at}`);
    const kind = Number(view.getBigUint64(at, true));
    const length = view.getBigUint64(at + 8, true);
    if (length > BigInt(bytes.length - at - MESSAGE_HEADER_LENGTH))
      throw bad(`the message at byte ${at} is cut off`);
    const payload = bytes.subarray(at + MESSAGE_HEADER_LENGTH, at + MESSAGE_HEADER_LENGTH + Number(length));
    at += MESSAGE_HEADER_LENGTH + Number(length);
    if (kind === MessageKind.End) break; // footer bytes after End are ignored
    const name = KINDS[kind];
    if (name === undefined) throw bad(`unknown message kind ${kind}`);
    let parsed: ReturnType<typeof fromLogMsg>;
    try {
      const logMsg =
        name === 'arrow_msg'
          ? create(LogMsgSchema, { msg: { case: 'arrowMsg', value: fromBinary(ArrowMsgSchema, payload) } })
          : fromBinary(LogMsgSchema, rawLogMsgBytes(name, payload));
      parsed = fromLogMsg(logMsg, codecs);
    } catch (cause) {
      if (cause instanceof ServerError) throw cause;
      throw new ServerError('bad-message', `message at byte ${at} does not decode`, { cause });
    }
    out.push({ ...parsed, logMsg: rawLogMsg(name, payload), size: payload.byteLength });
  }
  return out;
}

function rawLogMsgBytes(kind: EncodedMessageKind, payload: Uint8Array): Uint8Array {
  const field = kind === 'set_store_info' ? 1 : 3;
  const length: number[] = [];
  let n = payload.length;
  while (n >= 0x80) {
    length.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  length.push(n);
  const out = new Uint8Array(1 + length.length + payload.length);
  out[0] = (field << 3) | 2;
  out.set(length, 1);
  out.set(payload, 1 + length.length);
  return out;
}
