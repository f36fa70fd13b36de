/**
 * RRD framing constants and the 12-byte StreamHeader / 16-byte MessageHeader (docs/wire-format.md §2).
 * All framing integers are little-endian.
 */

/** Rerun version we write and target: 0.33.0 → bytes `00 21 00 00`. */
export const RERUN_VERSION = { major: 0, minor: 33, patch: 0 } as const;

/** `StoreVersion.crate_version_bits` for 0.33.0: the version bytes read as a little-endian i32. */
export const CRATE_VERSION_BITS =
  RERUN_VERSION.major | (RERUN_VERSION.minor << 8) | (RERUN_VERSION.patch << 16);

/** Size of the StreamHeader. */
export const STREAM_HEADER_LENGTH = 12;
/** Size of a MessageHeader. */
export const MESSAGE_HEADER_LENGTH = 16;

/** Message kinds in a MessageHeader. */
export const MessageKind = {
  End: 0,
  SetStoreInfo: 1,
  ArrowMsg: 2,
  BlueprintActivationCommand: 3,
} as const;

/** A MessageHeader kind. */
export type MessageKind = (typeof MessageKind)[keyof typeof MessageKind];

/** `RRF2`, version 0.33.0, no compression, protobuf serializer. Internal: never hand this array out. */
export const STREAM_HEADER: Uint8Array = Uint8Array.of(
  0x52,
  0x52,
  0x46,
  0x32,
  RERUN_VERSION.major,
  RERUN_VERSION.minor,
  RERUN_VERSION.patch,
  0,
  0,
  2,
  0,
  0,
);

/** Writes a MessageHeader at `offset`. */
export function writeMessageHeader(
  out: Uint8Array,
  offset: number,
  kind: MessageKind,
  payloadLength: number,
): void {
  // u64 little-endian from two u32 halves: no BigInt on the per-frame path.
  const view = new DataView(out.buffer, out.byteOffset + offset, MESSAGE_HEADER_LENGTH);
  view.setUint32(0, kind, true);
  view.setUint32(4, 0, true);
  view.setUint32(8, payloadLength >>> 0, true);
  view.setUint32(12, Math.floor(payloadLength / 0x1_0000_0000), true);
}

/** The 12-byte StreamHeader camstream writes (a fresh copy each call). */
export function streamHeader(): Uint8Array {
  return STREAM_HEADER.slice();
}
