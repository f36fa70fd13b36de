/**
 * `@camstream/cli`: the `camstream` command line (`capture`, `remux`, `inspect`) and the same pipelines as a
 * Node API. See the package README.
 * @packageDocumentation
 */
export { capture } from './capture/capture.js';
export { type CaptureFlags, captureCommand, captureOptions } from './capture/command.js';
export type { CaptureCodec, EncoderChoice } from './capture/encoder-choice.js';
export {
  DEFAULT_CONNECT_URL,
  type FrameRate,
  type FrameSize,
  type ListenAddress,
} from './capture/flags.js';
export type {
  CaptureBatching,
  CaptureCounts,
  CaptureOptions,
  CaptureOutput,
  CaptureProgress,
  CaptureSinkFailure,
  CaptureSourceEnd,
  CaptureSourceOptions,
  CaptureSourceStartInfo,
  CaptureSourceSummary,
  CaptureStartInfo,
  CaptureSummary,
  CaptureWarning,
  EncodeMode,
  ServeOptions,
  ServeTls,
} from './capture/options.js';
export type { SourceKind } from './capture/sources/source-spec.js';
export { CliError, type CliErrorCode } from './errors.js';
export { inspectCommand } from './inspect/command.js';
export { type InspectOptions, inspect } from './inspect/inspect.js';
export type {
  EntityFacts,
  InspectReport,
  RrdReport,
  StoreFacts,
  TimelineFacts,
  VideoFacts,
  VideoFileReport,
  VideoStreamFacts,
} from './inspect/report.js';
export { ExitCode, type ExitCodeValue, exitCodeFor } from './output/exit-codes.js';
export {
  createLogger,
  type GlobalFlags,
  type LogFields,
  type LogFormat,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  loggerFor,
} from './output/logger.js';
export { createProgram, run, VERSION } from './program.js';
export { remuxCommand } from './remux/command.js';
export { type RemuxOptions, type RemuxProgress, type RemuxResult, remux } from './remux/remux.js';
