import { fromBinary } from '@bufbuild/protobuf';
import { RrdDecodeError } from '../../errors.js';
import { type DecodedChunk, decodeChunk } from '../arrow/chunk-decoder.js';
import { decompressLz4Block } from '../lz4/block.js';
import { Compression } from '../proto/gen/rerun/v1alpha1/common_pb.js';
import {
  type ArrowMsg,
  ArrowMsgSchema,
  type BlueprintActivationCommand,
  BlueprintActivationCommandSchema,
  Encoding,
  type SetStoreInfo,
  SetStoreInfoSchema,
} from '../proto/gen/rerun/v1alpha1/log_msg_pb.js';
import { type StoreId, storeIdFromProto } from '../store.js';
import { MESSAGE_HEADER_LENGTH, MessageKind, STREAM_HEADER_LENGTH } from './stream-header.js';

/** One message read from an RRD stream. `offset` is where its MessageHeader starts. */
export type DecodedMessage =
  | {
      readonly kind: 'set_store_info';
      readonly offset: number;
      readonly storeId: StoreId;
      readonly proto: SetStoreInfo;
    }
  | {
      readonly kind: 'arrow_msg';
      readonly offset: number;
      readonly storeId: StoreId;
      readonly chunk: DecodedChunk;
      readonly proto: ArrowMsg;
    }
  | {
      readonly kind: 'blueprint_activation_command';
      readonly offset: number;
      readonly storeId: StoreId;
      readonly proto: BlueprintActivationCommand;
    }
  | { readonly kind: 'end'; readonly offset: number };

type State = 'stream-header' | 'message-header' | 'payload' | 'stream-footer' | 'aborted';

const STREAM_FOOTER_LENGTH = 32;
const MAX_MESSAGE_LENGTH = 2 ** 31; // a 2 GiB message is garbage, not data
const RRF2 = [0x52, 0x52, 0x46, 0x32];

/** Options of {@link RrdDecoder}. */
export interface RrdDecoderOptions {
  /** Called for every message that could not be decoded; the decoder skips it and goes on (like Rerun). */
  onError?: (error: RrdDecodeError) => void;
}

/**
 * Push decoder for RRD streams: bytes may arrive in any pieces. Bad messages are reported and skipped;
 * framing that cannot be resynchronised stops the stream (Rerun's `Aborted` state). Concatenated streams
 * are followed.
 */
export class RrdDecoder {
  #state: State = 'stream-header';
  /** What is being parsed: the caller's piece (no copy) or a view of `#owned`. */
  #buffer: Uint8Array = new Uint8Array(0);
  /** Storage for bytes carried over between pushes; grows by doubling, so reassembly stays linear. */
  #owned = new Uint8Array(0);
  #pos = 0;
  /** Absolute offset of `#buffer[0]` in the whole input. */
  #base = 0;
  #kind = 0;
  #length = 0;
  #messageOffset = 0;
  readonly #onError: ((error: RrdDecodeError) => void) | undefined;
  /** Every error reported so far. */
  readonly errors: RrdDecodeError[] = [];
  #streams = 0;

  constructor(options: RrdDecoderOptions = {}) {
    this.#onError = options.onError;
  }

  /** Stream headers seen (concatenated streams count separately). */
  get streams(): number {
    return this.#streams;
  }

  /**
   * Feeds bytes; returns the messages completed by them. The decoder keeps no reference to `bytes` after
   * the call, so the caller may reuse its buffer.
   */
  push(bytes: Uint8Array): DecodedMessage[] {
    if (this.#state === 'aborted') return [];
    this.#append(bytes);
    const out: DecodedMessage[] = [];
    for (;;) {
      const available = this.#buffer.byteLength - this.#pos;
      if (this.#state === 'stream-header') {
        if (available < STREAM_HEADER_LENGTH) break;
        if (!this.#readStreamHeader()) break;
      } else if (this.#state === 'message-header') {
        if (available < MESSAGE_HEADER_LENGTH) break;
        if (this.#startsWithRrf2()) {
          this.#state = 'stream-header';
          continue;
        }
        if (!this.#readMessageHeader()) break;
      } else if (this.#state === 'payload') {
        if (available < this.#length) break;
        // A copy: decoded messages outlive both the caller's buffer and our carry-over storage.
        const payload = this.#buffer.slice(this.#pos, this.#pos + this.#length);
        this.#pos += this.#length;
        this.#state = this.#kind === MessageKind.End ? 'stream-footer' : 'message-header';
        const message = this.#decodePayload(payload);
        if (message !== undefined) out.push(message);
      } else if (this.#state === 'stream-footer') {
        if (available < STREAM_FOOTER_LENGTH) break;
        const footer = this.#buffer.subarray(this.#pos, this.#pos + STREAM_FOOTER_LENGTH);
        const ok =
          RRF2.every((b, i) => footer[20 + i] === b) &&
          String.fromCharCode(...footer.subarray(24, 28)) === 'FOOT';
        if (!ok) {
          this.#fail(
            'rrd-bad-message',
            'bytes after an End message are not a StreamFooter (`…RRF2FOOT`)',
            true,
          );
          break;
        }
        this.#pos += STREAM_FOOTER_LENGTH;
        this.#state = 'stream-header';
      } else break;
    }
    this.#carryOver();
    return out;
  }

  /** Call when the input ends: reports a message or header cut short (Rerun drops it silently). */
  end(): void {
    const left = this.#buffer.byteLength - this.#pos;
    if (this.#state === 'aborted' || (left === 0 && this.#state !== 'payload')) return;
    if (this.#state === 'stream-footer' && left === 0) return; // End without footer at EOF: tolerated
    this.#fail(
      'rrd-truncated',
      `stream ends inside a ${this.#state.replace('-', ' ')} (${left} bytes left over)`,
      true,
    );
  }

  #append(bytes: Uint8Array): void {
    const left = this.#buffer.byteLength - this.#pos;
    if (left === 0) {
      this.#base += this.#buffer.byteLength;
      this.#buffer = bytes;
      this.#pos = 0;
      return;
    }
    // The carried-over bytes are in #owned (see #carryOver); move them to its start and append.
    const needed = left + bytes.byteLength;
    const rest = this.#buffer.subarray(this.#pos);
    if (needed > this.#owned.byteLength) {
      const grown = new Uint8Array(Math.max(needed, 2 * this.#owned.byteLength));
      grown.set(rest, 0);
      this.#owned = grown;
    } else if (rest.byteOffset !== this.#owned.byteOffset) {
      this.#owned.copyWithin(
        0,
        rest.byteOffset - this.#owned.byteOffset,
        rest.byteOffset - this.#owned.byteOffset + left,
      );
    }
    this.#owned.set(bytes, left);
    this.#base += this.#pos;
    this.#buffer = this.#owned.subarray(0, needed);
    this.#pos = 0;
  }

  /** Keeps the unparsed tail in our own storage, so the caller's buffer is free after `push()`. */
  #carryOver(): void {
    const left = this.#buffer.byteLength - this.#pos;
    if (left > 0 && this.#buffer.buffer === this.#owned.buffer) return;
    if (left > this.#owned.byteLength)
      this.#owned = new Uint8Array(Math.max(left, 2 * this.#owned.byteLength));
    this.#owned.set(this.#buffer.subarray(this.#pos), 0);
    this.#base += this.#pos;
    this.#buffer = this.#owned.subarray(0, left);
    this.#pos = 0;
  }

  #offset(): number {
    return this.#base + this.#pos;
  }

  #startsWithRrf2(): boolean {
    return RRF2.every((b, i) => this.#buffer[this.#pos + i] === b);
  }

  #fail(code: RrdDecodeError['code'], message: string, abort: boolean): void {
    const error = new RrdDecodeError(code, message, this.#offset());
    this.errors.push(error);
    this.#onError?.(error);
    if (abort) this.#state = 'aborted';
  }

  #readStreamHeader(): boolean {
    const h = this.#buffer.subarray(this.#pos, this.#pos + STREAM_HEADER_LENGTH);
    const fourcc = String.fromCharCode(h[0]!, h[1]!, h[2]!, h[3]!);
    if (fourcc === 'RRF0' || fourcc === 'RRF1') {
      this.#fail('rrd-old-version', `${fourcc} is an RRD format from before Rerun 0.23; expected RRF2`, true);
      return false;
    }
    if (fourcc !== 'RRF2') {
      const found = [...h.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
      this.#fail(
        'rrd-not-rrd',
        `not an RRD stream: expected the 4 bytes "RRF2" (52 52 46 32), found ${found}`,
        true,
      );
      return false;
    }
    const [major, minor] = [h[4]!, h[5]!];
    if (major === 0 && minor < 23) {
      this.#fail(
        'rrd-old-version',
        `RRD written by Rerun ${major}.${minor}; Rerun 0.33 reads 0.23 and newer`,
        true,
      );
      return false;
    }
    if (h[9] !== 2) {
      this.#fail('rrd-unsupported', `RRD serializer ${h[9]} is not supported; expected 2 (protobuf)`, true);
      return false;
    }
    if (h[8]! > 1 || h[10] !== 0 || h[11] !== 0) {
      this.#fail(
        'rrd-unsupported',
        `RRD stream header has compression byte ${h[8]} (expected 0 or 1) and reserved bytes ${h[10]} ${h[11]} (expected 0 0)`,
        true,
      );
      return false;
    }
    this.#pos += STREAM_HEADER_LENGTH;
    this.#streams++;
    this.#state = 'message-header';
    return true;
  }

  #readMessageHeader(): boolean {
    const view = new DataView(
      this.#buffer.buffer,
      this.#buffer.byteOffset + this.#pos,
      MESSAGE_HEADER_LENGTH,
    );
    const kind = view.getBigUint64(0, true);
    const length = view.getBigUint64(8, true);
    if (kind > 3n) {
      this.#fail('rrd-bad-message', `unknown message kind ${kind}; expected 0 (End) to 3`, true);
      return false;
    }
    if (length > BigInt(MAX_MESSAGE_LENGTH)) {
      this.#fail('rrd-bad-message', `message length ${length} is larger than 2 GiB`, true);
      return false;
    }
    this.#messageOffset = this.#offset();
    this.#kind = Number(kind);
    this.#length = Number(length);
    this.#pos += MESSAGE_HEADER_LENGTH;
    this.#state = 'payload';
    return true;
  }

  #decodePayload(payload: Uint8Array): DecodedMessage | undefined {
    const offset = this.#messageOffset;
    const report = (code: RrdDecodeError['code'], message: string, cause?: unknown) => {
      const error = new RrdDecodeError(code, message, offset, { cause });
      this.errors.push(error);
      this.#onError?.(error);
      return undefined;
    };
    try {
      switch (this.#kind) {
        case MessageKind.End:
          return { kind: 'end', offset };
        case MessageKind.SetStoreInfo: {
          const proto = fromBinary(SetStoreInfoSchema, payload);
          const storeId = storeIdFromProto(proto.info?.storeId);
          if (storeId === undefined) return report('rrd-bad-message', 'SetStoreInfo without a store id');
          return { kind: 'set_store_info', offset, storeId, proto };
        }
        case MessageKind.BlueprintActivationCommand: {
          const proto = fromBinary(BlueprintActivationCommandSchema, payload);
          const storeId = storeIdFromProto(proto.blueprintId);
          if (storeId === undefined)
            return report('rrd-bad-message', 'BlueprintActivationCommand without a blueprint id');
          return { kind: 'blueprint_activation_command', offset, storeId, proto };
        }
        default: {
          const proto = fromBinary(ArrowMsgSchema, payload);
          const storeId = storeIdFromProto(proto.storeId);
          if (storeId === undefined) return report('rrd-bad-message', 'ArrowMsg without a store id');
          if (storeId.applicationId === '') {
            return report(
              'rrd-bad-message',
              `ArrowMsg of recording "${storeId.recordingId}" has no application id`,
            );
          }
          if (proto.encoding !== Encoding.ARROW_IPC) {
            return report('rrd-bad-message', `ArrowMsg encoding ${proto.encoding}; expected 1 (Arrow IPC)`);
          }
          let ipc = proto.payload;
          if (proto.compression === Compression.LZ4) {
            if (proto.uncompressedSize > BigInt(MAX_MESSAGE_LENGTH))
              return report(
                'rrd-bad-message',
                `LZ4 ArrowMsg claims ${proto.uncompressedSize} uncompressed bytes`,
              );
            try {
              ipc = decompressLz4Block(proto.payload, Number(proto.uncompressedSize));
            } catch (cause) {
              return report('rrd-bad-message', `LZ4 ArrowMsg payload: ${(cause as Error).message}`, cause);
            }
          } else if (
            proto.compression !== Compression.NONE &&
            proto.compression !== Compression.UNSPECIFIED
          ) {
            return report('unsupported-compression', `unknown ArrowMsg compression ${proto.compression}`);
          }
          const chunk = decodeChunk(ipc);
          return { kind: 'arrow_msg', offset, storeId, chunk, proto };
        }
      }
    } catch (cause) {
      return report(
        'rrd-bad-message',
        `message of kind ${this.#kind} does not decode: ${(cause as Error).message}`,
        cause,
      );
    }
  }
}

/** Decodes a whole RRD byte array; errors are collected, not thrown. */
export function decodeRrd(bytes: Uint8Array): { messages: DecodedMessage[]; errors: RrdDecodeError[] } {
  const decoder = new RrdDecoder();
  const messages = decoder.push(bytes);
  decoder.end();
  return { messages, errors: decoder.errors };
}
