import { frameByteLength } from '@camstream/core/media';
import { WebError } from '../../errors.js';
import { i420Layout, nv12ToI420, rgbToI420 } from './i420.js';

/**
 * Reads a `VideoFrame`'s top-left `width`x`height` pixels as packed I420. I420 frames (most cameras) are
 * copied straight by `copyTo`; NV12 is de-interleaved; RGBA/BGRA (canvas, test pattern) converted with
 * BT.601; anything else is first read as RGBA by the browser. Runs in the I420 worker, off the main thread.
 */
export async function frameToI420(frame: VideoFrame, width: number, height: number): Promise<Uint8Array> {
  if (frame.codedWidth < width || frame.codedHeight < height) {
    throw new WebError(
      'invalid-argument',
      `frame ${frame.codedWidth}x${frame.codedHeight} is smaller than the encoder's ${width}x${height}`,
    );
  }
  const rect = { x: 0, y: 0, width, height };
  const dst = new Uint8Array(frameByteLength('I420', width, height));
  switch (frame.format) {
    case 'I420':
    case 'I420A':
      await frame.copyTo(dst, { rect, layout: i420Layout(width, height) });
      return dst;
    case 'NV12': {
      const scratch = new Uint8Array(frame.allocationSize({ rect }));
      const [y, uv] = await frame.copyTo(scratch, { rect });
      if (y === undefined || uv === undefined)
        throw new WebError('encoder-failed', 'NV12 frame without planes');
      nv12ToI420(
        { data: scratch, yOffset: y.offset, yStride: y.stride, uvOffset: uv.offset, uvStride: uv.stride },
        width,
        height,
        dst,
      );
      return dst;
    }
    case 'RGBA':
    case 'RGBX':
    case 'BGRA':
    case 'BGRX': {
      const scratch = new Uint8Array(frame.allocationSize({ rect }));
      const [plane] = await frame.copyTo(scratch, { rect });
      const order = frame.format.startsWith('RGB') ? 'RGBA' : 'BGRA';
      rgbToI420(scratch, width, height, plane?.stride ?? width * 4, order, dst);
      return dst;
    }
    default: {
      // The browser converts other layouts to RGBA (Chrome 127+, Safari 18+).
      const scratch = new Uint8Array(width * height * 4);
      await frame.copyTo(scratch, { rect, format: 'RGBA' } as VideoFrameCopyToOptions);
      rgbToI420(scratch, width, height, width * 4, 'RGBA', dst);
      return dst;
    }
  }
}
