// Minimal types for `lz4js` 0.2.0 (it ships none); only what the helpers use.
declare module 'lz4js' {
  /** Worst-case compressed size of `n` bytes. */
  export function compressBound(n: number): number;
  /** Compresses `src[sIndex, sIndex+sLength)` as one raw LZ4 block into `dst`; returns the block length. */
  export function compressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    sIndex: number,
    sLength: number,
    hashTable: Uint32Array,
  ): number;
  /** Decompresses one raw LZ4 block; returns the end index in `dst`. No bounds checks. */
  export function decompressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    sIndex: number,
    sLength: number,
    dIndex: number,
  ): number;
}
