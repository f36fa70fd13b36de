// RRD framing written independently of core's encoder: tests and the fuzzer frame hand-made messages with it.

/** A 16-byte RRD MessageHeader: `kind` and payload `length`, each a little-endian u64. */
export function messageHeader(kind: number, length: number): Uint8Array {
  const view = new DataView(new ArrayBuffer(16));
  view.setBigUint64(0, BigInt(kind), true);
  view.setBigUint64(8, BigInt(length), true);
  return new Uint8Array(view.buffer);
}
