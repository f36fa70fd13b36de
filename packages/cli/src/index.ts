/**
 * `@camstream/cli`. See the package README for what it holds today and what comes next.
 * @packageDocumentation
 */
export { CliError, type CliErrorCode, isCamstreamError } from './errors.js';
