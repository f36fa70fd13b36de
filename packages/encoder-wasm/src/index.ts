/**
 * `@camstream/encoder-wasm`. See the package README for what it holds today and what comes next.
 * @packageDocumentation
 */
export { EncoderError, type EncoderErrorCode, isCamstreamError } from './errors.js';
