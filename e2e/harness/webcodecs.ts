import type { Page } from 'playwright-core';

/** One `EncodedVideoChunk` from the page's `VideoEncoder`, brought back to Node. */
export interface EncodedChunk {
  readonly type: 'key' | 'delta';
  /** µs, as the encoder reported it. */
  readonly timestamp: number;
  readonly data: Uint8Array;
}

/** Options of {@link encodeAnnexBInPage}. */
export interface WebCodecsEncodeOptions {
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  /** A keyframe every this many frames (`encode(frame, { keyFrame })`). */
  readonly keyframeInterval: number;
  /** WebCodecs codec string; default Constrained Baseline level 3.1. */
  readonly codec?: string;
}

/**
 * Encodes colour bars (the saturated colours of ffmpeg's `testsrc2`, see `pixels.ts`) with a moving box
 * using the page's WebCodecs `VideoEncoder`, configured for Annex B output (`avc: { format: 'annexb' }`).
 * Frames are CPU frames (`getImageData` → `new VideoFrame(data, { format: 'RGBA' })`): GPU-canvas frames
 * nearly stop the encoder while the viewer renders on SwiftShader.
 */
export async function encodeAnnexBInPage(
  page: Page,
  options: WebCodecsEncodeOptions,
): Promise<EncodedChunk[]> {
  const raw = await page.evaluate(
    async ({ width, height, frames, keyframeInterval, codec }) => {
      const chunks: { type: 'key' | 'delta'; timestamp: number; b64: string }[] = [];
      const errors: string[] = [];
      const encoder = new VideoEncoder({
        output: (chunk) => {
          const bytes = new Uint8Array(chunk.byteLength);
          chunk.copyTo(bytes);
          let bin = '';
          for (let i = 0; i < bytes.length; i += 0x8000) {
            bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
          }
          chunks.push({ type: chunk.type, timestamp: chunk.timestamp, b64: btoa(bin) });
        },
        error: (e) => errors.push(String(e)),
      });
      const config: VideoEncoderConfig = {
        codec,
        width,
        height,
        bitrate: 2_000_000,
        framerate: 30,
        latencyMode: 'realtime',
        avc: { format: 'annexb' },
      };
      const support = await VideoEncoder.isConfigSupported(config);
      if (!support.supported) throw new Error(`VideoEncoder does not support ${JSON.stringify(config)}`);
      encoder.configure(config);
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      if (!ctx) throw new Error('no 2d context');
      const bars = ['#ffff00', '#00ffff', '#00ff00', '#ff00ff', '#ff0000', '#0000ff'];
      for (let i = 0; i < frames; i++) {
        bars.forEach((colour, k) => {
          ctx.fillStyle = colour;
          ctx.fillRect((k * width) / bars.length, 0, width / bars.length + 1, height);
        });
        ctx.fillStyle = '#ffffff';
        ctx.fillRect((i * 7) % (width - 40), height / 2 - 20, 40, 40);
        const image = ctx.getImageData(0, 0, width, height);
        const frame = new VideoFrame(image.data, {
          format: 'RGBA',
          codedWidth: width,
          codedHeight: height,
          timestamp: Math.round((i * 1e6) / 30),
          duration: Math.round(1e6 / 30),
        });
        encoder.encode(frame, { keyFrame: i % keyframeInterval === 0 });
        frame.close();
      }
      await encoder.flush();
      encoder.close();
      if (errors.length > 0) throw new Error(`VideoEncoder: ${errors.join('; ')}`);
      return chunks;
    },
    { ...options, codec: options.codec ?? 'avc1.42E01F' },
  );
  return raw.map((c) => ({
    type: c.type,
    timestamp: c.timestamp,
    data: new Uint8Array(Buffer.from(c.b64, 'base64')),
  }));
}
