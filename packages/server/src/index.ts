/**
 * `@camstream/server`. See the package README for what it holds today and what comes next.
 * @packageDocumentation
 */
export { ServerError, type ServerErrorCode, isCamstreamError } from './errors.js';
