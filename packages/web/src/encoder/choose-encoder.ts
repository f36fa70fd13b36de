import { WebError } from '../errors.js';
import type { EncoderChoice, EncoderKind } from '../session/session-options.js';

/** What this page can encode with, for {@link chooseEncoder}. */
export interface EncoderAvailability {
  /** Whether WebCodecs can encode H.264 here, and if not, why. */
  readonly webcodecs: { readonly available: boolean; readonly reason: string };
  /** Whether the app injected `@camstream/encoder-wasm/browser`. */
  readonly wasmInjected: boolean;
}

/**
 * Picks the backend for `choice`: `auto` prefers WebCodecs when it can encode H.264, then wasm when injected.
 * Throws `unsupported` with the reason when the choice cannot run here.
 */
export function chooseEncoder(
  choice: EncoderChoice,
  availability: EncoderAvailability,
): { readonly kind: EncoderKind; readonly why: string } {
  const noWasm =
    "the ffmpeg.wasm encoder was not injected: pass wasm: () => import('@camstream/encoder-wasm/browser') to CaptureSession.create";
  switch (choice) {
    case 'webcodecs':
      if (!availability.webcodecs.available) throw new WebError('unsupported', availability.webcodecs.reason);
      return { kind: 'webcodecs', why: 'asked for WebCodecs' };
    case 'wasm':
      if (!availability.wasmInjected)
        throw new WebError('unsupported', `cannot use the wasm encoder: ${noWasm}`);
      return { kind: 'wasm', why: 'asked for ffmpeg.wasm' };
    case 'auto':
      if (availability.webcodecs.available)
        return { kind: 'webcodecs', why: 'auto: WebCodecs can encode H.264 here' };
      if (availability.wasmInjected) {
        return { kind: 'wasm', why: `auto: ffmpeg.wasm, because ${availability.webcodecs.reason}` };
      }
      throw new WebError('unsupported', `no H.264 encoder: ${availability.webcodecs.reason}; and ${noWasm}`);
  }
}
