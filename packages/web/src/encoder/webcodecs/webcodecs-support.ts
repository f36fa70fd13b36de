import { WebError } from '../../errors.js';

/** Whether this page can encode with WebCodecs, and if not, why (a sentence to show the user). */
export type WebCodecsSupport =
  | { readonly available: true }
  | { readonly available: false; readonly reason: string };

/**
 * Checks for WebCodecs' `VideoEncoder` and `VideoFrame`. Browsers expose them only in secure contexts, so an
 * http page on a LAN address gets a reason that says to use https or localhost.
 */
export function webCodecsSupport(): WebCodecsSupport {
  const g = globalThis as { isSecureContext?: boolean; VideoEncoder?: unknown; VideoFrame?: unknown };
  if (typeof g.VideoEncoder === 'function' && typeof g.VideoFrame === 'function') return { available: true };
  if (g.isSecureContext === false) {
    return {
      available: false,
      reason:
        'WebCodecs is unavailable because this page is not a secure context: open it over https, or on http://localhost or http://127.0.0.1.',
    };
  }
  return {
    available: false,
    reason:
      'This browser has no WebCodecs VideoEncoder; use a recent Chrome, Edge or Opera, Safari 16.4+ or Firefox 130+.',
  };
}

/** Throws `WebError('unsupported')` with {@link webCodecsSupport}'s reason unless WebCodecs is available. */
export function assertWebCodecs(): void {
  const support = webCodecsSupport();
  if (!support.available) throw new WebError('unsupported', support.reason);
}
