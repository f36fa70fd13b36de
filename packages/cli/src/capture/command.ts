import { readFile, writeFile } from 'node:fs/promises';
import type { PixelFormat } from '@camstream/core';
import { X264_PRESETS, X264_TUNES, type X264Preset, type X264Tune } from '@camstream/encoder-wasm';
import { Command, Option } from 'commander';
import { CliError } from '../errors.js';
import {
  applicationIdOption,
  entityOption,
  ffmpegOption,
  recordingIdOption,
  timelineOption,
} from '../options/shared-flags.js';
import { loggerFor } from '../output/logger.js';
import { parseEncoderArgs } from './encoder-args.js';
import { type CaptureCodec, type EncoderChoice, parseEncoderChoice } from './encoder-choice.js';
import {
  DEFAULT_CONNECT_URL,
  type FrameRate,
  type FrameSize,
  flagArgument,
  type ListenAddress,
  parseBitrate,
  parseConnectUrl,
  parseCrf,
  parseDuration,
  parseFrameRate,
  parseListenAddress,
  parseNonNegativeInt,
  parsePixelFormat,
  parsePositiveInt,
  parseSize,
} from './flags.js';
import { MAX_GOP, MAX_THREADS } from './frame-limits.js';
import {
  type CaptureOptions,
  type CaptureSourceOptions,
  type CaptureSourceSummary,
  type CaptureStartInfo,
  type CaptureSummary,
  DEFAULT_SERVE_BATCH_MS,
  type ServeOptions,
} from './options.js';
import { checkServeOptions, isLoopbackHost, shownAddress, TOKEN_ENV } from './serve-options.js';
import { failureShort } from './sink-failures.js';
import { parseSourceSpec, type SourceKind, type SourceSpec } from './sources/source-spec.js';

/** The flags commander hands to `capture`'s action, already parsed. */
export interface CaptureFlags {
  /** `--input` values, each `NAME[=ENTITY][,KEY=VALUE…]` (decision 0019). */
  readonly input?: string | readonly string[];
  /** `--device` values, each `NAME[=ENTITY][,KEY=VALUE…]`. */
  readonly device?: string | readonly string[];
  /** `--pattern` values, each `WIDTHxHEIGHT@FPS[=ENTITY][,KEY=VALUE…]`. */
  readonly pattern?: string | readonly string[];
  /**
   * The order the source flags were given in, one kind per value (`['device', 'input', 'device']`), so that
   * sources without `=ENTITY` are numbered by their position. Default: devices, then inputs, then patterns.
   */
  readonly sourceOrder?: readonly SourceKind[];
  readonly size?: FrameSize;
  readonly fps?: FrameRate;
  readonly pixFmt?: PixelFormat;
  readonly frames?: number;
  readonly duration?: number;
  readonly realtime?: boolean;
  readonly stamp?: boolean;
  readonly live?: boolean;
  readonly preset?: X264Preset;
  readonly crf?: number;
  readonly bitrate?: number;
  readonly gop?: number;
  readonly tune: X264Tune;
  readonly threads?: number;
  readonly encoder: EncoderChoice;
  readonly codec?: CaptureCodec;
  readonly ffmpeg?: string;
  readonly encoderArgs?: readonly string[];
  readonly save?: string;
  readonly sync?: boolean;
  readonly serve?: ListenAddress | true;
  readonly token?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly connect?: string | true;
  readonly linger?: number;
  readonly serveBatch?: number;
  /** `--entity`; undefined when not given (the default, `video_stream`, or `video_stream/N` with several). */
  readonly entity?: string;
  readonly timeline: string;
  readonly appId: string;
  readonly recordingId?: string;
  readonly stats?: boolean;
  readonly batchRows?: number;
  readonly batchBytes?: number;
  readonly batchDelayMs?: number;
  readonly profile?: string;
}

/** `camstream capture`: the commander command behind `capture()` (`capture.ts`, loaded when the command runs). */
export function captureCommand(): Command {
  // The order of the source flags across kinds (commander keeps each flag's values, not their interleaving).
  const sourceOrder: SourceKind[] = [];
  const sourceFlag =
    (kind: SourceKind) =>
    (text: string, previous: readonly string[] | undefined): readonly string[] => {
      sourceOrder.push(kind);
      return [...(previous ?? []), text];
    };
  return new Command('capture')
    .description(
      'capture video (test pattern, file, Y4M on stdin, camera; several at once), encode it to H.264 or H.265 and log it to a .rrd file, a served viewer and/or a Rerun proxy',
    )
    .optionsGroup(
      'Sources (repeatable and mixable, each NAME[=ENTITY][,KEY=VALUE…]; default: one test pattern, "testsrc"):',
    )
    .option(
      '--input <file>',
      'a video file (.y4m; raw .yuv with --size/--pix-fmt), or - for Y4M on stdin',
      sourceFlag('input'),
    )
    .option(
      '--device <camera>',
      'a camera through the system ffmpeg: /dev/video0 (Linux), 0 or its name (macOS), its name (Windows); camstream devices lists them',
      sourceFlag('device'),
    )
    .option(
      '--pattern <WxH@FPS>',
      'the moving test pattern at this size and rate: 640x480@30, 1280x720@29.97; ,hue=DEGREES turns its colours, ,stamp draws each frame’s capture time into it (as --stamp)',
      sourceFlag('pattern'),
    )
    .optionsGroup('Source settings (shared by every source; ,KEY=VALUE on a source overrides them for it):')
    .option(
      '--size <WxH>',
      'frame size: the test pattern’s (default 1280x720), raw input’s, a camera’s',
      flagArgument(parseSize),
    )
    .option('--fps <rate>', 'frame rate: 30, 29.97 or 30000/1001 (default 30)', flagArgument(parseFrameRate))
    .option(
      '--pix-fmt <format>',
      'raw .yuv layout: yuv420p (default), nv12, rgba',
      flagArgument(parsePixelFormat),
    )
    .option(
      '--frames <n>',
      'stop after N frames',
      flagArgument((t) => parsePositiveInt(t, 'frames')),
    )
    .option(
      '--duration <time>',
      'stop after this much video: 10, 10s, 1.5m, 500ms',
      flagArgument(parseDuration),
    )
    .option('--realtime', 'pace the test pattern at its frame rate (implied by --serve and --connect)')
    .option(
      '--stamp',
      'draw each test-pattern frame’s capture time (its log_time, wall-clock ms) into it as a barcode band across the top, for measuring glass-to-glass latency on a screenshot',
    )
    .option(
      '--live',
      'with --input -: a camera piped in; drop the oldest frame when the encoder falls behind instead of waiting',
    )
    .optionsGroup('Encoding (H.264 with x264, or H.265 with x265):')
    .addOption(
      new Option(
        '--encoder <encoder>',
        'auto (the system ffmpeg when its libx264 works, else ffmpeg.wasm), wasm, ffmpeg, or ffmpeg:<name> such as ffmpeg:h264_nvenc (camstream encoders lists what works)',
      )
        .argParser(flagArgument(parseEncoderChoice))
        .default('auto'),
    )
    .addOption(
      new Option('--codec <codec>', 'h264 (default) or h265 (libx265 through the system ffmpeg)').choices([
        'h264',
        'h265',
      ]),
    )
    .addOption(
      ffmpegOption('the system ffmpeg to run for the encoder and --device (default: ffmpeg on PATH)'),
    )
    .option(
      '--encoder-args <args>',
      'extra ffmpeg arguments after camstream’s own, for the system ffmpeg encoder: "-rc-lookahead 0"',
      flagArgument(parseEncoderArgs),
    )
    .addOption(new Option('--preset <preset>', 'x264 preset (default veryfast)').choices(X264_PRESETS))
    .addOption(
      new Option('--crf <n>', 'constant quality, 0–51 (x264 default 23)')
        .argParser(flagArgument(parseCrf))
        .conflicts('bitrate'),
    )
    .option('--bitrate <rate>', 'target bit rate: 2M, 500k, 2000000', flagArgument(parseBitrate))
    .option(
      '--gop <frames>',
      'frames from one keyframe to the next (default 30)',
      flagArgument((t) => parsePositiveInt(t, 'gop', MAX_GOP)),
    )
    .addOption(new Option('--tune <tune>', 'x264 tune').choices(X264_TUNES).default('zerolatency'))
    .option(
      '--threads <n>',
      'encoder threads of a bounded run (default: CPU count for wasm, ffmpeg’s choice for the system ffmpeg)',
      flagArgument((t) => parsePositiveInt(t, 'threads', MAX_THREADS)),
    )
    .optionsGroup('Sinks (any combination; at least one):')
    .option('--save <file.rrd>', 'write the recording to a .rrd file (a crash loses at most the last 250 ms)')
    .option(
      '--sync',
      'with --save: fsync the file on each timed write (at most every 50 ms), so a power loss loses no more',
    )
    .option(
      '--serve [address]',
      `serve a live viewer on [HOST:]PORT (default 127.0.0.1:9876) and print its URL`,
      flagArgument(parseListenAddress),
    )
    .addOption(
      new Option(
        '--token <token>',
        'access token viewers of --serve must give (8+ characters; required off loopback); safer in the environment, where ps does not show it',
      ).env(TOKEN_ENV),
    )
    .option(
      '--tls-cert <file>',
      'with --serve: serve HTTPS with this PEM certificate (chain); needs --tls-key',
    )
    .option('--tls-key <file>', 'with --serve: the PEM private key of --tls-cert')
    .option(
      '--connect [url]',
      `stream to a Rerun proxy (default ${DEFAULT_CONNECT_URL})`,
      flagArgument(parseConnectUrl),
    )
    .option(
      '--serve-batch <ms>',
      `with --serve: send viewers the frames of up to this many ms as one message (default ${DEFAULT_SERVE_BATCH_MS}, which keeps a viewer that draws a few times a second (no GPU, a busy machine) live; 0: each frame at once)`,
      flagArgument((t) => parseNonNegativeInt(t, 'serve-batch')),
    )
    .option(
      '--linger <time>',
      'with --serve: keep serving this long after the source ends (default: until Ctrl-C)',
      flagArgument(parseDuration),
    )
    .optionsGroup('Recording:')
    .addOption(entityOption())
    .addOption(timelineOption())
    .addOption(applicationIdOption())
    .addOption(recordingIdOption())
    .option(
      '--stats',
      'log encode latency, frame bytes, bit rate, fps and drops as Scalars under stats/…, and the encoder’s name',
    )
    .optionsGroup('Batching of --save and --connect (--serve: --serve-batch):')
    .option(
      '--batch-rows <n>',
      'rows per chunk at most (default: no limit)',
      flagArgument((t) => parsePositiveInt(t, 'batch-rows')),
    )
    .option(
      '--batch-bytes <n>',
      'bytes per chunk at most (default 1048576)',
      flagArgument((t) => parsePositiveInt(t, 'batch-bytes')),
    )
    .option(
      '--batch-delay-ms <ms>',
      'longest a frame waits in a batch (default 200; 8 for a live --connect)',
      flagArgument((t) => parseNonNegativeInt(t, 'batch-delay-ms')),
    )
    .addOption(
      new Option(
        '--profile <file.json>',
        'write the run’s summary with CPU times as JSON (benchmarks)',
      ).hideHelp(),
    )
    .addHelpText(
      'after',
      `
Examples:
  camstream capture --frames 300 --save pattern.rrd
  camstream capture --size 1920x1080 --fps 60 --duration 10s --preset ultrafast --save hd.rrd
  camstream capture --encoder wasm --frames 300 --save pattern.rrd   # no system ffmpeg needed
  camstream capture --codec h265 --frames 300 --save h265.rrd         # libx265; the native viewer plays it
  camstream capture --encoder ffmpeg:h264_nvenc --encoder-args "-rc vbr" --serve 9090
  camstream capture --serve 9090                        # open the printed URL; Ctrl-C to stop
  camstream capture --pattern 640x480@30,stamp --serve 9090   # each frame shows its capture time (latency)
  CAMSTREAM_TOKEN=$(openssl rand -hex 16) camstream capture --serve 0.0.0.0:9090 --tls-cert cert.pem --tls-key key.pem
  camstream capture --connect --stats                   # into a running Rerun viewer (rerun), with plots
  camstream capture --input clip.y4m --save clip.rrd --batch-delay-ms 500
  camstream capture --input raw.yuv --size 640x480 --pix-fmt nv12 --fps 25 --save raw.rrd
  ffmpeg -i clip.mp4 -f yuv4mpegpipe - | camstream capture --input - --save clip.rrd
  ffmpeg -f v4l2 -i /dev/video0 -f yuv4mpegpipe - | camstream capture --input - --live --serve 9090
  camstream capture --device /dev/video0 --size 1280x720 --fps 30 --serve 9090 --save camera.rrd
  camstream capture --device /dev/video0=cameras/front --device /dev/video2=cameras/rear,size=640x480 \
    --input replay.mp4=replay --pattern 640x480@30=sim/cam0,hue=120 --serve 9090 --save robot.rrd

Several sources: --device, --input and --pattern repeat and mix; each value is NAME[=ENTITY][,KEY=VALUE…].
=ENTITY is the entity path of that source's video (words of A-Z a-z 0-9 _ - joined by /); without one, a
single source is on --entity (video_stream) and each of several on --entity/N by position. ,KEY=VALUE
overrides a shared flag for that source only: size, fps, pix-fmt, frames, duration, preset, tune, crf,
bitrate, gop, encoder; --pattern also takes hue=DEGREES and stamp (no value, as --stamp for that pattern).
A name that contains = ends with = (--input a=b=). All sources share one recording, one timeline (time:
when each frame arrived, from the start) and the sinks; each has its own encoder and queue, and one that
ends or fails is reported in one line while the others go on (the run exits 1 at the end if one failed).
--stats plots each under stats/ENTITY/….

--encoder auto (the default) uses the system ffmpeg when a one-frame trial encode with its libx264 works,
and ffmpeg.wasm otherwise (the start line says which, and why); camstream encoders lists what works here.
Bounded runs without a live sink encode as fast as the machine allows; live
sources, --serve, --connect and --realtime encode frame by frame in real time. Ctrl-C ends cleanly: the
.rrd is complete and viewers get a proper end (exit 0). A crash or kill -9 loses at most the last 250 ms of
the .rrd. An output that fails (a full disk, a --connect server gone for good) stops alone with one line
on stderr; the others go on, and the run exits 1.

--serve on an address other than loopback needs an access token (--token or ${TOKEN_ENV}); the printed URL
carries it (/?token=…). Browsers on other machines show video only over HTTPS (--tls-cert, --tls-key).`,
    )
    .action(async (flags: CaptureFlags, command: Command) => {
      const logger = loggerFor(command);
      // An empty or unused CAMSTREAM_TOKEN in the environment is no token; one given on the command line is.
      const fromEnv = command.getOptionValueSource('token') === 'env';
      const token = fromEnv && (flags.token === '' || flags.serve === undefined) ? undefined : flags.token;
      const { token: _, entity, ...rest } = flags;
      // The default --entity is left to the sources: one keeps it, several number theirs under it.
      const given =
        entity === undefined || command.getOptionValueSource('entity') === 'default' ? {} : { entity };
      const parsed = { ...rest, ...given, sourceOrder };
      let options = captureOptions(token === undefined ? parsed : { ...parsed, token });
      if (options.save === undefined && options.serve === undefined && options.connect === undefined) {
        throw new CliError(
          'usage',
          'capture needs somewhere to send the video; add --save OUT.rrd, --serve [PORT] or --connect [URL]',
        );
      }
      if (options.serve !== undefined) {
        if (options.codec === 'h265') {
          logger.warn(
            'h265-in-browsers',
            'serving H.265: browsers without an HEVC decoder (Chromium and Firefox on Linux, Firefox everywhere) show no video; the native viewer plays it (rerun with FFmpeg installed), or use --codec h264',
          );
        }
        const serve = await serveOptions(options.serve, flags);
        options = { ...options, serve };
        if (!isLoopbackHost(serve.host) && serve.tls === undefined) {
          logger.warn(
            'plain-http',
            `serving ${shownAddress(serve)} over plain HTTP: the token travels in clear and browsers on other machines show no video (WebCodecs needs HTTPS); add --tls-cert and --tls-key`,
          );
        }
      } else if (
        token !== undefined ||
        flags.tlsCert !== undefined ||
        flags.tlsKey !== undefined ||
        flags.serveBatch !== undefined
      ) {
        const flag =
          token !== undefined
            ? '--token'
            : flags.tlsCert !== undefined
              ? '--tls-cert'
              : flags.tlsKey !== undefined
                ? '--tls-key'
                : '--serve-batch';
        throw new CliError('usage', `${flag} applies to --serve; add --serve [HOST:]PORT or drop ${flag}`);
      }
      // Loaded on use: the encoder, server and progress bar are most of the CLI's start-up (decision 0010).
      const [{ capture }, { createProgressView }] = await Promise.all([
        import('./capture.js'),
        import('./progress.js'),
      ]);
      const view = createProgressView({ logger, tty: process.stderr.isTTY === true });
      const stop = new AbortController();
      let signals = 0;
      const onSignal = (name: NodeJS.Signals): void => {
        if (++signals > 1) process.exit(130); // a second Ctrl-C: the user does not want to wait
        logger.info(
          'stopping',
          `${name}: stopping (flushing the encoder and closing sinks; Ctrl-C again to quit now)`,
        );
        stop.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      let summary: CaptureSummary;
      try {
        summary = await capture({
          ...options,
          signal: stop.signal,
          onStart: (info) => {
            if (info.url !== undefined) {
              // stdout carries only results (decision 0010): the URL to open, with the token when there is one.
              const token = options.serve?.token;
              const open = token === undefined ? info.url : `${info.url}/?token=${encodeURIComponent(token)}`;
              process.stdout.write(`${open}\n`);
              // Log lines may be collected: they name the page, not the token.
              logger.info(
                'serving',
                token === undefined
                  ? `serving the viewer at ${info.url} (native viewer: rerun ${info.proxyUrl})`
                  : `serving the viewer at ${info.url}; open the URL printed on stdout, which carries the access token`,
                { url: info.url, proxyUrl: info.proxyUrl },
              );
            }
            const fallback = info.sources.find((s) => s.encoderFallback !== undefined);
            if (fallback?.encoderFallback !== undefined) {
              logger.info(
                'encoder-fallback',
                `encoding with ${fallback.encoder}: ${fallback.encoderFallback} (--encoder wasm says so without the check)`,
                { reason: fallback.encoderFallback },
              );
            }
            for (const source of several(info) ? info.sources : [info]) {
              const on = several(info) ? `${source.entity}: ` : '';
              logger.info(
                'start',
                `capturing ${on}${source.source} ${source.width}x${source.height} at ${(source.fpsNum / source.fpsDen).toFixed(2)} fps (${source.mode} encoding with ${source.encoder}${source.ffmpegReadsFile ? ', which reads the file itself' : ''}${behindText(source.whenBehind)})`,
                {
                  ...(several(info) && { entity: source.entity }),
                  source: source.source,
                  width: source.width,
                  height: source.height,
                  mode: source.mode,
                  encoder: source.encoder,
                  ffmpegReadsFile: source.ffmpegReadsFile,
                },
              );
            }
            view.start(info);
          },
          onSourceEnd: (end) => {
            view.interrupt();
            const fields = { entity: end.entity, source: end.source, frames: end.frames };
            if (end.outcome === 'failed') logger.error('source-failed', end.message, fields);
            else logger.info('source-ended', end.message, fields);
          },
          onProgress: (p) => view.update(p),
          onWarning: (warning) => {
            view.interrupt();
            logger.warn(warning.code, warning.message);
          },
          onSinkError: (failure) => {
            view.interrupt();
            logger.error('sink-failed', failure.message, {
              output: failure.output,
              target: failure.target,
              reason: failure.reason,
            });
          },
        });
      } finally {
        view.stop();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      if (summary.sources.length > 1) {
        for (const source of summary.sources) {
          logger.info('source-summary', sourceSummaryText(source), {
            entity: source.entity,
            source: source.source,
            outcome: source.outcome,
            frames: source.frames,
            keyframes: source.keyframes,
            dropped: source.dropped,
            late: source.late,
            bytes: source.bytes,
            seconds: source.seconds,
            fps: source.fps,
            encoder: source.encoder,
          });
        }
      }
      logger.info('done', summaryText(summary), {
        frames: summary.frames,
        keyframes: summary.keyframes,
        dropped: summary.dropped,
        late: summary.late,
        bytes: summary.bytes,
        seconds: summary.seconds,
        fps: summary.fps,
        encoder: summary.encoder,
        stopped: summary.stopped,
        saved: summary.saved?.path,
        failedSinks: summary.failedSinks.length,
      });
      if (flags.profile !== undefined)
        await writeFile(flags.profile, `${JSON.stringify(summary, null, 2)}\n`);
      // Exit 1: a source failed (decision 0019) or an output is incomplete (decision 0014), even though the
      // capture itself went on to the end.
      const lost = summary.sources.filter((s) => s.outcome === 'failed');
      if (lost.length > 0 && summary.failedSinks.length === 0) {
        throw new CliError(
          'runtime',
          `the capture ended with ${lost.length} of ${summary.sources.length} sources failed: ${lost.map((s) => `${s.entity} (${s.source})`).join(', ')}`,
        );
      }
      const failed = summary.failedSinks;
      if (failed.length > 0) {
        throw new CliError(
          'runtime',
          `the capture ended with ${failed.length === 1 ? 'a failed output' : `${failed.length} failed outputs`}: ${failed.map(failureShort).join(', ')}`,
        );
      }
    });
}

/**
 * `options.serve` with the PEM files of `--tls-cert`/`--tls-key` read, and its token and TLS pair checked: a
 * one-line error (usage for flags that contradict each other, exit 1 for a file that cannot be used) before
 * the source and the encoder start.
 */
async function serveOptions(
  serve: ServeOptions,
  flags: Pick<CaptureFlags, 'tlsCert' | 'tlsKey' | 'serveBatch'>,
): Promise<ServeOptions> {
  const { tlsCert, tlsKey } = flags;
  if (flags.serveBatch !== undefined) serve = { ...serve, batchMs: flags.serveBatch };
  if ((tlsCert === undefined) !== (tlsKey === undefined)) {
    throw new CliError(
      'usage',
      '--tls-cert and --tls-key go together; give both (a PEM certificate and its private key) or neither',
    );
  }
  const withTls =
    tlsCert === undefined || tlsKey === undefined
      ? serve
      : {
          ...serve,
          tls: { cert: await readPem(tlsCert, '--tls-cert'), key: await readPem(tlsKey, '--tls-key') },
        };
  checkServeOptions(withTls, { cert: `--tls-cert ${tlsCert}`, key: `--tls-key ${tlsKey}` });
  return withTls;
}

/** A PEM file's bytes, or a one-line `input` error naming the flag, the file and why. */
async function readPem(path: string, flag: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES' || code === 'EPERM'
          ? 'is not readable (permission denied)'
          : code === 'EISDIR'
            ? 'is a directory'
            : `cannot be read (${(error as Error).message})`;
    throw new CliError('input', `${flag} ${path} ${why}; expected a PEM file`, { cause: error });
  }
}

/** The API options the flags stand for. */
export function captureOptions(flags: CaptureFlags): CaptureOptions {
  const batching = {
    ...(flags.batchRows !== undefined && { maxRows: flags.batchRows }),
    ...(flags.batchBytes !== undefined && { maxBytes: flags.batchBytes }),
    ...(flags.batchDelayMs !== undefined && { maxDelayMs: flags.batchDelayMs }),
  };
  const specs = sourceSpecs(flags);
  const only = specs.length === 1 ? specs[0]! : undefined;
  // One plain --input or --device is the single-source form, as before several sources existed.
  const plain =
    only !== undefined &&
    only.kind !== 'pattern' &&
    only.entity === undefined &&
    Object.keys(only.options).length === 0;
  return {
    ...(plain && only.kind === 'input' && { input: only.name }),
    ...(plain && only.kind === 'device' && { device: only.name }),
    ...(!plain && specs.length > 0 && { sources: specs.map(sourceOptions) }),
    ...(flags.size !== undefined && { width: flags.size.width, height: flags.size.height }),
    ...(flags.fps !== undefined && { fpsNum: flags.fps.num, fpsDen: flags.fps.den }),
    ...(flags.pixFmt !== undefined && { pixelFormat: flags.pixFmt }),
    ...(flags.frames !== undefined && { frames: flags.frames }),
    ...(flags.duration !== undefined && { durationSeconds: flags.duration }),
    ...(flags.realtime === true && { realtime: true }),
    ...(flags.stamp === true && { stamp: true }),
    ...(flags.live === true && { live: true }),
    ...(flags.preset !== undefined && { preset: flags.preset }),
    ...(flags.crf !== undefined && { crf: flags.crf }),
    ...(flags.bitrate !== undefined && { bitrate: flags.bitrate }),
    ...(flags.gop !== undefined && { gop: flags.gop }),
    tune: flags.tune,
    ...(flags.threads !== undefined && { threads: flags.threads }),
    encoder: flags.encoder,
    ...(flags.codec !== undefined && { codec: flags.codec }),
    ...(flags.ffmpeg !== undefined && { ffmpegPath: flags.ffmpeg }),
    ...(flags.encoderArgs !== undefined && { encoderArgs: flags.encoderArgs }),
    ...(flags.save !== undefined && { save: flags.save }),
    ...(flags.sync === true && { sync: true }),
    ...(flags.serve !== undefined && {
      serve: {
        ...(flags.serve === true ? { host: '127.0.0.1', port: 9876 } : flags.serve),
        ...(flags.token !== undefined && { token: flags.token }),
      },
    }),
    ...(flags.connect !== undefined && {
      connect: flags.connect === true ? DEFAULT_CONNECT_URL : flags.connect,
    }),
    ...(flags.linger !== undefined && { lingerMs: flags.linger * 1000 }),
    ...(flags.entity !== undefined && { entity: flags.entity }),
    timeline: flags.timeline,
    applicationId: flags.appId,
    ...(flags.recordingId !== undefined && { recordingId: flags.recordingId }),
    ...(flags.stats === true && { stats: true }),
    ...(Object.keys(batching).length > 0 && { batching }),
  };
}

/** The source flags' values read as specs, in the order given (decision 0019). */
function sourceSpecs(flags: CaptureFlags): SourceSpec[] {
  const lists: Record<SourceKind, string[]> = {
    device: listOf(flags.device),
    input: listOf(flags.input),
    pattern: listOf(flags.pattern),
  };
  const given = lists.device.length + lists.input.length + lists.pattern.length;
  const order =
    flags.sourceOrder?.length === given
      ? flags.sourceOrder
      : [
          ...lists.device.map(() => 'device' as const),
          ...lists.input.map(() => 'input' as const),
          ...lists.pattern.map(() => 'pattern' as const),
        ];
  const next: Record<SourceKind, number> = { device: 0, input: 0, pattern: 0 };
  return order.map((kind) => parseSourceSpec(kind, lists[kind][next[kind]++]!));
}

function listOf(value: string | readonly string[] | undefined): string[] {
  return value === undefined ? [] : typeof value === 'string' ? [value] : [...value];
}

/** A spec as the Node API's source: its name under its kind, its entity, and its overrides. */
function sourceOptions(spec: SourceSpec): CaptureSourceOptions {
  const o = spec.options;
  return {
    [spec.kind]: spec.name,
    ...(spec.entity !== undefined && { entity: spec.entity }),
    ...(o.size !== undefined && { width: o.size.width, height: o.size.height }),
    ...(o.fps !== undefined && { fpsNum: o.fps.num, fpsDen: o.fps.den }),
    ...(o.pixFmt !== undefined && { pixelFormat: o.pixFmt }),
    ...(o.frames !== undefined && { frames: o.frames }),
    ...(o.duration !== undefined && { durationSeconds: o.duration }),
    ...(o.preset !== undefined && { preset: o.preset }),
    ...(o.tune !== undefined && { tune: o.tune }),
    ...(o.crf !== undefined && { crf: o.crf }),
    ...(o.bitrate !== undefined && { bitrate: o.bitrate }),
    ...(o.gop !== undefined && { gop: o.gop }),
    ...(o.encoder !== undefined && { encoder: o.encoder }),
    ...(o.hue !== undefined && { hue: o.hue }),
    ...(o.stamp === true && { stamp: true }),
  };
}

/** Whether a capture has several sources (its start and summary lines then name each). */
function several(info: CaptureStartInfo): boolean {
  return info.sources.length > 1;
}

/** How a live run keeps up, for the start line. */
function behindText(whenBehind: 'drop' | 'wait' | undefined): string {
  if (whenBehind === 'drop') return '; drops the oldest frame when behind';
  if (whenBehind === 'wait') return '; waits for the encoder, drops nothing';
  return '';
}

/** `cameras/rear (/dev/video2): 300 frames (10 keyframes, 2 dropped) in 10.0 s, 30.0 fps by … (ended)`. */
function sourceSummaryText(s: CaptureSourceSummary): string {
  const late = s.late > 0 ? `, ${s.late} late` : '';
  const by = s.encoder === undefined ? '' : ` by ${s.encoder}`;
  return `${s.entity} (${s.source}): ${s.frames} frames (${s.keyframes} keyframes, ${s.dropped} dropped${late}) in ${s.seconds.toFixed(1)} s, ${s.fps.toFixed(1)} fps, ${s.bytes} bytes${by} (${s.outcome})`;
}

function summaryText(s: CaptureSummary): string {
  const where = s.saved === undefined ? '' : `, wrote ${s.saved.path} (${s.saved.bytes} bytes)`;
  const stopped = s.stopped ? 'stopped: ' : '';
  const n = s.failedSinks.length;
  const failed =
    n === 0 ? '' : `; ${n} output${n > 1 ? 's' : ''} failed: ${s.failedSinks.map(failureShort).join(', ')}`;
  const late = s.late > 0 ? `, ${s.late} late` : '';
  return `${stopped}${s.frames} frames (${s.keyframes} keyframes, ${s.dropped} dropped${late}) in ${s.seconds.toFixed(1)} s, ${s.fps.toFixed(1)} fps, ${s.bytes} bytes of ${s.codec === 'h265' ? 'H.265' : 'H.264'} by ${s.encoder}${where}${failed}`;
}
