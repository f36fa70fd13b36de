import { frameByteLength } from '@camstream/core/media';
import { WebError } from '../../errors.js';

/** Where the three planes of a packed I420 frame start, and their row strides (WebCodecs `PlaneLayout`s). */
export function i420Layout(width: number, height: number): { offset: number; stride: number }[] {
  const chromaWidth = (width + 1) >> 1;
  const chromaHeight = (height + 1) >> 1;
  return [
    { offset: 0, stride: width },
    { offset: width * height, stride: chromaWidth },
    { offset: width * height + chromaWidth * chromaHeight, stride: chromaWidth },
  ];
}

function checkSize(width: number, height: number, dst: Uint8Array): void {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new WebError('invalid-argument', `frame size must be positive integers, got ${width}x${height}`);
  }
  const need = frameByteLength('I420', width, height);
  if (dst.byteLength < need) {
    throw new WebError(
      'invalid-argument',
      `I420 buffer for ${width}x${height} must hold ${need} bytes, got ${dst.byteLength}`,
    );
  }
}

/** An NV12 picture (Y plane, then interleaved U/V) as laid out in memory. */
export interface Nv12Planes {
  readonly data: Uint8Array;
  readonly yOffset: number;
  readonly yStride: number;
  readonly uvOffset: number;
  readonly uvStride: number;
}

/** Copies an NV12 picture into packed I420 `dst` (Y copied, the interleaved chroma split into U and V). */
export function nv12ToI420(src: Nv12Planes, width: number, height: number, dst: Uint8Array): void {
  checkSize(width, height, dst);
  const [y, u, v] = i420Layout(width, height) as [
    { offset: number; stride: number },
    { offset: number; stride: number },
    { offset: number; stride: number },
  ];
  for (let row = 0; row < height; row++) {
    const from = src.yOffset + row * src.yStride;
    dst.set(src.data.subarray(from, from + width), y.offset + row * y.stride);
  }
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  for (let row = 0; row < ch; row++) {
    const from = src.uvOffset + row * src.uvStride;
    const uRow = u.offset + row * u.stride;
    const vRow = v.offset + row * v.stride;
    for (let col = 0; col < cw; col++) {
      dst[uRow + col] = src.data[from + 2 * col] ?? 0;
      dst[vRow + col] = src.data[from + 2 * col + 1] ?? 0;
    }
  }
}

/** Byte order of a 4-byte-per-pixel picture. */
export type RgbOrder = 'RGBA' | 'BGRA';

/**
 * Converts 8-bit RGBA/BGRA (alpha ignored) into packed I420 `dst` with BT.601 limited-range coefficients
 * (what H.264 decoders, and so the Rerun viewer, assume when the stream says nothing); chroma is the
 * average of each 2x2 block.
 */
export function rgbToI420(
  src: Uint8Array,
  width: number,
  height: number,
  stride: number,
  order: RgbOrder,
  dst: Uint8Array,
): void {
  checkSize(width, height, dst);
  if (stride < width * 4 || src.byteLength < stride * (height - 1) + width * 4) {
    throw new WebError(
      'invalid-argument',
      `${order} picture ${width}x${height} with row stride ${stride} needs ${stride * (height - 1) + width * 4} bytes, got ${src.byteLength}`,
    );
  }
  const r0 = order === 'RGBA' ? 0 : 2;
  const b0 = order === 'RGBA' ? 2 : 0;
  const [, u, v] = i420Layout(width, height) as [
    { offset: number; stride: number },
    { offset: number; stride: number },
    { offset: number; stride: number },
  ];
  for (let row = 0; row < height; row++) {
    let p = row * stride;
    let out = row * width;
    for (let col = 0; col < width; col++, p += 4, out++) {
      const r = src[p + r0] ?? 0;
      const g = src[p + 1] ?? 0;
      const b = src[p + b0] ?? 0;
      dst[out] = ((66 * r + 129 * g + 25 * b + 128) >> 8) + 16;
    }
  }
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  for (let row = 0; row < ch; row++) {
    for (let col = 0; col < cw; col++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let n = 0;
      for (let dy = 0; dy < 2; dy++) {
        const y = 2 * row + dy;
        if (y >= height) continue;
        for (let dx = 0; dx < 2; dx++) {
          const x = 2 * col + dx;
          if (x >= width) continue;
          const p = y * stride + x * 4;
          r += src[p + r0] ?? 0;
          g += src[p + 1] ?? 0;
          b += src[p + b0] ?? 0;
          n++;
        }
      }
      r /= n;
      g /= n;
      b /= n;
      dst[u.offset + row * u.stride + col] = clamp(((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128);
      dst[v.offset + row * v.stride + col] = clamp(((112 * r - 94 * g - 18 * b + 128) >> 8) + 128);
    }
  }
}

function clamp(x: number): number {
  return Math.max(0, Math.min(255, x));
}
