import {
  type AccessUnit,
  AccessUnitSplitter,
  type DecoderConfig,
  lengthPrefixedToAnnexB,
  parseAvcC,
  parseHvcC,
  type VideoCodecName,
} from '@camstream/core';
import { errorMessage } from '@camstream/core/media';
import { ALL_FORMATS, EncodedPacketSink, Input, type InputVideoTrack } from 'mediabunny';
import { CliError } from '../errors.js';
import { openDemuxed } from './demuxer.js';
import { syncFileSource } from './file-source.js';
import type { InputFile } from './input-file.js';
import { type DemuxedSample, secondsToNanos, type VideoSampleReader } from './video-samples.js';

/** mediabunny's codec names for the codecs Rerun's VideoStream plays. */
const CODECS: Readonly<Record<string, VideoCodecName>> = { avc: 'h264', hevc: 'h265' };

/** Short names for mediabunny's format names, as the report prints them. */
const CONTAINERS: Readonly<Record<string, string>> = {
  MP4: 'mp4',
  'QuickTime File Format': 'quicktime',
  Matroska: 'matroska',
  WebM: 'webm',
  'MPEG Transport Stream': 'mpegts',
};

/** mediabunny reads through a bounded cache (above its 8 MiB prefetch runs): the file is never whole in memory. */
const CACHE_BYTES = 32 * 1024 * 1024;

/**
 * Opens the first video track of an MP4/MOV/MKV/WebM file with mediabunny and yields its frames in
 * decode order as Annex B access units: length-prefixed NAL units are rewritten with start codes, and
 * the decoder configuration record's parameter sets go in front of every IDR that lacks them.
 *
 * The demuxing runs in a worker thread ({@link openDemuxed}): a damaged file can send mediabunny into a loop that
 * never ends or eats all memory, and then the worker is stopped and the file refused with a `CliError`.
 */
export function openContainer(file: InputFile): Promise<VideoSampleReader> {
  return openDemuxed(file);
}

/** {@link openContainer} in this thread, unguarded: what the demuxer worker runs. */
export async function openContainerHere(file: InputFile): Promise<VideoSampleReader> {
  const input = new Input({
    formats: ALL_FORMATS,
    source: syncFileSource(file.path, file.size, CACHE_BYTES),
  });
  try {
    const format = await input.getFormat().catch((error: unknown) => {
      throw new CliError(
        'input',
        `${file.path} is not a video file this tool reads: ${reason(error)}; expected MP4, MOV, MKV, WebM or an Annex B .h264/.h265 stream`,
        { cause: error },
      );
    });
    const track = await input.getPrimaryVideoTrack();
    if (track === null) {
      throw new CliError(
        'input',
        `${file.path} has no video track the demuxer can find; is it truncated or damaged?`,
      );
    }
    const mediaCodec = await track.getCodec();
    const codec = mediaCodec === null ? undefined : CODECS[mediaCodec];
    if (codec === undefined) {
      throw new CliError(
        'input',
        `${file.path}: video codec ${mediaCodec ?? 'unknown'} is not supported; Rerun's VideoStream takes H.264 or H.265 (re-encode with: camstream capture --input ${file.path})`,
      );
    }
    const config = await decoderConfig(file, track, codec);
    const ticksPerSecond = await track.getTimeResolution();
    const container = CONTAINERS[format.name] ?? format.name.toLowerCase();
    // An MP4/MOV index lists every frame; packets the file no longer holds are silently not read.
    const indexed = container === 'mp4' || container === 'quicktime';
    const listed = indexed
      ? await new EncodedPacketSink(track).getPacket(Infinity, { metadataOnly: true })
      : null;
    return {
      codec,
      container,
      samples: readPackets(file, input, track, {
        codec,
        config,
        ticksPerSecond,
        lastListed: listed?.timestamp,
      }),
      close: () => input.dispose(),
    };
  } catch (error) {
    input.dispose();
    throw containerError(file, error);
  }
}

async function decoderConfig(
  file: InputFile,
  track: InputVideoTrack,
  codec: VideoCodecName,
): Promise<DecoderConfig | undefined> {
  const config = await track.getDecoderConfig();
  const description = config?.description;
  // No record: the packets already carry start codes and in-band parameter sets.
  if (description === undefined) return undefined;
  const bytes = ArrayBuffer.isView(description)
    ? new Uint8Array(description.buffer, description.byteOffset, description.byteLength)
    : new Uint8Array(description);
  try {
    return codec === 'h264' ? parseAvcC(bytes) : parseHvcC(bytes);
  } catch (error) {
    throw new CliError(
      'input',
      `${file.path}: the ${codec === 'h264' ? 'avcC' : 'hvcC'} decoder configuration is damaged (${reason(error)})`,
      { cause: error },
    );
  }
}

interface TrackFacts {
  readonly codec: VideoCodecName;
  /** The decoder configuration record; undefined when packets are Annex B already. */
  readonly config: DecoderConfig | undefined;
  readonly ticksPerSecond: number;
  /** Latest presentation time the container's index lists, in seconds, if it has an index. */
  readonly lastListed: number | undefined;
}

async function* readPackets(
  file: InputFile,
  input: Input,
  track: InputVideoTrack,
  { codec, config, ticksPerSecond, lastListed }: TrackFacts,
): AsyncGenerator<DemuxedSample> {
  // One packet is one frame: the splitter only reads parameter sets and the first slice header.
  const splitter = new AccessUnitSplitter({
    codec,
    firstSliceOnly: true,
    bFrames: 'allow',
    openGop: 'allow',
  });
  let storedBytes = 0;
  let index = 0;
  let latest = Number.NEGATIVE_INFINITY;
  try {
    for await (const packet of new EncodedPacketSink(track).packets()) {
      storedBytes += packet.byteLength;
      latest = Math.max(latest, packet.timestamp);
      let annexB: Uint8Array;
      try {
        annexB = config === undefined ? packet.data : lengthPrefixedToAnnexB(packet.data, config);
      } catch (error) {
        throw new CliError(
          'input',
          `${file.path} is damaged: frame ${index} is not a valid length-prefixed sample (${reason(error)})`,
          { cause: error },
        );
      }
      const aus = [...splitter.push(annexB), ...splitter.endAccessUnit()];
      const au = single(file, aus, index);
      if (au === undefined) continue;
      index++;
      yield {
        au,
        pts: secondsToNanos(packet.timestamp, ticksPerSecond),
        duration: packet.duration > 0 ? secondsToNanos(packet.duration, ticksPerSecond) : undefined,
        storedBytes: packet.byteLength,
        fraction: Math.min(1, storedBytes / file.size),
      };
    }
    if (lastListed !== undefined && latest < lastListed) {
      throw new CliError(
        'input',
        `${file.path} is truncated: its index lists frames up to ${lastListed} s, but the data ends after ${index} frames (${latest} s)`,
      );
    }
  } catch (error) {
    throw containerError(file, error);
  } finally {
    input.dispose();
  }
}

/** A packet must hold one picture; an empty one (no NAL units) is skipped. */
function single(file: InputFile, aus: readonly AccessUnit[], index: number): AccessUnit | undefined {
  if (aus.length > 1) {
    throw new CliError(
      'input',
      `${file.path}: packet ${index} holds ${aus.length} pictures; expected one frame per packet`,
    );
  }
  return aus[0];
}

/** Errors from the demuxer or the parser on a damaged file become one line naming the file. */
function containerError(file: InputFile, error: unknown): unknown {
  if (error instanceof CliError) return error;
  return new CliError('input', `${file.path} is damaged or truncated: ${reason(error)}`, { cause: error });
}

/** The error's message without a trailing full stop, to sit inside a sentence. */
function reason(error: unknown): string {
  return errorMessage(error).replace(/\.$/, '');
}
