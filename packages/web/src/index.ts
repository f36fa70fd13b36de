/**
 * `@camstream/web`. See the package README for what it holds today and what comes next.
 * @packageDocumentation
 */
export { WebError, type WebErrorCode, isCamstreamError } from './errors.js';
