import { open } from 'node:fs/promises';
import type { TornTail } from './report.js';

// A recorder killed while writing leaves an `.rrd` that ends inside its last message; everything before it is
// whole. The decoder reports both that and a length field damaged mid-file the same way ("stream ends inside
// a payload": it waited for bytes that never came), so the tail is looked at: a torn message is the start of
// one message, as long as its header says; a damaged length swallows whole messages that follow.

/** The verdict on an `.rrd` whose decoder reported `rrd-truncated`. */
export type TailVerdict =
  | { readonly torn: true; readonly tail: TornTail }
  | { readonly torn: false; readonly reason: string };

const MESSAGE_HEADER_LENGTH = 16;
const MAX_MESSAGE_LENGTH = 2 ** 31;
/** Top-level fields a real LogMsg has are few (ArrowMsg: 6); more is garbage read as protobuf. */
const MAX_FIELDS = 256;

/**
 * Whether the `rrd-truncated` error `error` (message and offset from core's `RrdDecoder.end()`) marks a tail
 * torn by a crash, or damage. `size` is the file's size.
 */
export async function classifyTail(
  path: string,
  size: number,
  error: { readonly message: string; readonly offset: number },
): Promise<TailVerdict> {
  const state = /inside a (stream header|message header|payload|stream footer)/.exec(error.message)?.[1];
  const handle = await open(path, 'r');
  try {
    const read = async (position: number, length: number): Promise<Uint8Array> => {
      const buffer = new Uint8Array(Math.max(0, Math.min(length, size - position)));
      if (buffer.byteLength === 0) return buffer;
      const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, position);
      return buffer.subarray(0, bytesRead);
    };
    const left = size - error.offset;
    if (state === 'payload') {
      const start = error.offset - MESSAGE_HEADER_LENGTH;
      const header = await read(start, MESSAGE_HEADER_LENGTH);
      if (start < 0 || header.byteLength < MESSAGE_HEADER_LENGTH) {
        return { torn: false, reason: 'no message header before the cut' };
      }
      const view = new DataView(header.buffer, header.byteOffset, MESSAGE_HEADER_LENGTH);
      const declared = view.getBigUint64(8, true);
      if (declared <= BigInt(left) || declared > BigInt(MAX_MESSAGE_LENGTH)) {
        return { torn: false, reason: `the last message header claims ${declared} bytes` };
      }
      const problem = await protobufPrefixProblem(read, error.offset, left, Number(declared));
      if (problem !== undefined) {
        return {
          torn: false,
          reason: `the message at byte ${start} claims ${declared} bytes, but what follows its header is not one message (${problem})`,
        };
      }
      return { torn: true, tail: { offset: start, bytes: size - start } };
    }
    const bytes = await read(error.offset, Math.min(left, 64));
    const fits =
      state === 'message header'
        ? left < MESSAGE_HEADER_LENGTH && isHeaderPrefix(bytes)
        : state === 'stream header'
          ? left < 12 && [...bytes.subarray(0, 4)].every((b, i) => b === 'RRF2'.charCodeAt(i))
          : state === 'stream footer' && left < 32;
    if (!fits)
      return { torn: false, reason: `the last ${left} bytes are not the start of a ${state ?? 'message'}` };
    return { torn: true, tail: { offset: error.offset, bytes: left } };
  } finally {
    await handle.close();
  }
}

/** Whether `bytes` can begin a MessageHeader: kind 0–3, then a length below 2 GiB (both u64 LE). */
function isHeaderPrefix(bytes: Uint8Array): boolean {
  return [...bytes].every((b, i) => {
    if (i === 0) return b <= 3;
    if (i < 8) return b === 0;
    if (i === 11) return b < 0x80;
    return i < 12 || b === 0;
  });
}

/**
 * Walks the top-level protobuf fields of a message body that starts at `start`, of which `available` bytes are
 * in the file and `declared` were announced. A body cut short is fine; a field that is not protobuf, or that
 * runs past `declared`, is not (it is the next message's header read as a field).
 */
async function protobufPrefixProblem(
  read: (position: number, length: number) => Promise<Uint8Array>,
  start: number,
  available: number,
  declared: number,
): Promise<string | undefined> {
  let pos = 0;
  for (let fields = 0; pos < available; fields++) {
    if (fields >= MAX_FIELDS) return `more than ${MAX_FIELDS} fields`;
    const head = await read(start + pos, 20);
    const tag = varint(head, 0);
    if (tag === 'cut') return undefined;
    if (tag === 'bad') return `byte ${start + pos} is not a protobuf field tag`;
    const field = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    if (field === 0 || ![0, 1, 2, 5].includes(wireType)) {
      return `byte ${start + pos} is not a protobuf field tag`;
    }
    let end: number;
    if (wireType === 0) {
      const value = varint(head, tag.length);
      if (value === 'cut') return undefined;
      if (value === 'bad') return `byte ${start + pos} starts a bad varint`;
      end = pos + tag.length + value.length;
    } else if (wireType === 2) {
      const length = varint(head, tag.length);
      if (length === 'cut') return undefined;
      if (length === 'bad') return `byte ${start + pos} starts a bad length`;
      end = pos + tag.length + length.length + length.value;
    } else {
      end = pos + tag.length + (wireType === 1 ? 8 : 4);
    }
    if (end > declared) return `a field at byte ${start + pos} runs past the message's end`;
    pos = end;
  }
  return undefined;
}

/** A base-128 varint at `at`: its value and length, `cut` when the bytes end inside it, `bad` past 10 bytes. */
function varint(bytes: Uint8Array, at: number): { value: number; length: number } | 'cut' | 'bad' {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    const byte = bytes[at + i];
    if (byte === undefined) return bytes.byteLength < 20 ? 'cut' : 'bad';
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return { value, length: i + 1 };
  }
  return 'bad';
}
