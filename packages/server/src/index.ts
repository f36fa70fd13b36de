/**
 * `@camstream/server`. See the package README for what it holds today and what comes next.
 * @packageDocumentation
 */
export { isCamstreamError, ServerError, type ServerErrorCode } from './errors.js';
