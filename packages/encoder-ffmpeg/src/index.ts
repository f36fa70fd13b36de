/**
 * `@camstream/encoder-ffmpeg`: a live H.264 encoder behind core's `Encoder` interface that drives the system's
 * ffmpeg (libx264, or a hardware encoder by name) as a child process ({@link FfmpegEncoder}), the same for a
 * file that ffmpeg reads itself ({@link FfmpegFileEncode}), and
 * {@link probeEncoders}, which finds out which encoders this machine's ffmpeg can use. MIT: ffmpeg is run, not
 * linked.
 * @packageDocumentation
 */

export {
  describeEncoder,
  type EncoderCodec,
  type EncoderFamily,
  type EncoderKind,
  KNOWN_ENCODERS,
} from './encoders/encoder-family.js';
export {
  DEFAULT_VAAPI_DEVICE,
  type EncoderArgs,
  type HardwareArgsOptions,
  hardwareCodecArgs,
} from './encoders/hardware-args.js';
export {
  type EncoderProbe,
  type EncoderProbeReport,
  type FfmpegInfo,
  type ProbeEncodersOptions,
  probeEncoders,
  streamedCodec,
} from './encoders/probe-encoders.js';
export { FfmpegEncoderError, type FfmpegEncoderErrorCode } from './errors.js';
export { type OwnedEncoderArg, ownedEncoderArg } from './ffmpeg-args.js';
export {
  FFMPEG_BATCH_DEPTH,
  FFMPEG_DEPTH,
  FFMPEG_FINISH_TIMEOUT_MS,
  FFMPEG_LOOKAHEAD_DEPTH,
  FFMPEG_STARTUP_QUEUE,
  FfmpegEncoder,
  type FfmpegEncoderOptions,
  type FfmpegEncoderStats,
  type FullQueuePolicy,
} from './ffmpeg-encoder.js';
export { killFfmpeg, signalFfmpeg, spawnFfmpeg } from './ffmpeg-process.js';
export {
  FfmpegFileEncode,
  type FfmpegFileEncodeOptions,
  type FfmpegFileInput,
} from './file-encode.js';
export { ffmpegEnv } from './malloc-env.js';
