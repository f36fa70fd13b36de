/**
 * Node-only entry of `@camstream/core`: sinks that touch the file system.
 * @packageDocumentation
 */
export { FileSink, type FileSinkOptions } from './sinks/file-sink.js';
