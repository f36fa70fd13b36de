// The independent LZ4 implementation (lz4js) that core's own block decompressor is checked against.
/// <reference path="./lz4js.d.ts" />
import { compressBlock, compressBound, decompressBlock } from 'lz4js';

/** `raw` as one raw LZ4 block made by lz4js; `undefined` where lz4js gives up (tiny or incompressible input). */
export function lz4jsCompress(raw: Uint8Array): Uint8Array | undefined {
  const dst = new Uint8Array(compressBound(raw.length));
  const n = compressBlock(raw, dst, 0, raw.length, new Uint32Array(1 << 16));
  return n === 0 ? undefined : dst.slice(0, n);
}

/**
 * Decompresses one raw LZ4 block into `out` with lz4js and returns the end index in `out`. lz4js checks no
 * bounds: give it only blocks that a checked decoder accepted.
 */
export function lz4jsDecompress(block: Uint8Array, out: Uint8Array): number {
  return decompressBlock(block, out, 0, block.length, 0);
}
