import { describe, expect, it } from 'vitest';
import { WebError } from '../errors.js';
import { chooseEncoder } from './choose-encoder.js';

const noWebCodecs = { available: false, reason: 'no VideoEncoder' };
const webCodecs = { available: true, reason: 'ok' };

describe('chooseEncoder', () => {
  it('auto prefers WebCodecs, then the injected wasm encoder, and says why', () => {
    expect(chooseEncoder('auto', { webcodecs: webCodecs, wasmInjected: true }).kind).toBe('webcodecs');
    const wasm = chooseEncoder('auto', { webcodecs: noWebCodecs, wasmInjected: true });
    expect(wasm.kind).toBe('wasm');
    expect(wasm.why).toContain('no VideoEncoder');
  });

  it('refuses what cannot run, with the reason and the fix', () => {
    expect(() => chooseEncoder('auto', { webcodecs: noWebCodecs, wasmInjected: false })).toThrow(
      /no VideoEncoder.*import\('@camstream\/encoder-wasm\/browser'\)/,
    );
    expect(() => chooseEncoder('wasm', { webcodecs: webCodecs, wasmInjected: false })).toThrow(WebError);
    try {
      chooseEncoder('webcodecs', { webcodecs: noWebCodecs, wasmInjected: true });
      expect.unreachable();
    } catch (error) {
      expect((error as WebError).code).toBe('unsupported');
    }
  });
});
