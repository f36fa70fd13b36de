import { createReadStream } from 'node:fs';
import {
  AccessUnitSplitter,
  type DecodedChunk,
  type DecodedTimeline,
  RrdDecoder,
  VideoCodec,
  type VideoCodecName,
} from '@camstream/core';
import { errorMessage, isCamstreamError } from '@camstream/core/media';
import { CliError } from '../errors.js';
import { fileError, type InputFile } from '../remux/input-file.js';
import type {
  EntityFacts,
  RrdReport,
  StoreFacts,
  TimelineFacts,
  TornTail,
  VideoStreamFacts,
} from './report.js';
import { classifyTail } from './torn-tail.js';
import { VideoFactsBuilder } from './video-facts.js';

const READ_BYTES = 1 << 20;
const CODEC_COMPONENT = 'VideoStream:codec';
const SAMPLE_COMPONENT = 'VideoStream:sample';
/** The timeline video facts are read from when several are logged (the camstream/Rerun example default). */
const PREFERRED_TIMELINE = 'time';

interface EntityState {
  archetypes: Set<string>;
  components: Set<string>;
  chunks: number;
  rows: number;
  hasStatic: boolean;
}

interface VideoState {
  codec: VideoCodecName | undefined;
  /** Samples seen before the codec (a recording may log the static codec late). */
  samples: number;
  /** Samples the bitstream parser rejected. */
  unparsed: number;
  splitter: AccessUnitSplitter | undefined;
  facts: VideoFactsBuilder | undefined;
  timeline: TimelineRange | undefined;
}

class TimelineRange {
  min: bigint | undefined;
  max: bigint | undefined;
  constructor(
    readonly name: string,
    readonly kind: DecodedTimeline['kind'],
  ) {}
  add(value: bigint): void {
    if (this.min === undefined || value < this.min) this.min = value;
    if (this.max === undefined || value > this.max) this.max = value;
  }
  facts(): TimelineFacts | null {
    if (this.min === undefined || this.max === undefined) return null;
    return { name: this.name, kind: this.kind, min: String(this.min), max: String(this.max) };
  }
}

/**
 * Reads an `.rrd` in 1 MiB pieces through core's `RrdDecoder` and reports its stores, entities,
 * timelines, chunk and row counts, and per VideoStream entity the video facts of its samples (parsed by
 * core's bitstream parser, times from the entity's `time` timeline or its first one).
 */
export async function rrdFacts(file: InputFile): Promise<RrdReport> {
  const decodeErrors: string[] = [];
  const decoder = new RrdDecoder({ onError: (error) => decodeErrors.push(error.message) });
  const stores = new Map<string, StoreFacts>();
  const entities = new Map<string, EntityState>();
  const timelines = new Map<string, TimelineRange>();
  const videos = new Map<string, VideoState>();
  let chunks = 0;
  let rows = 0;
  const onChunk = (chunk: DecodedChunk): void => {
    chunks++;
    rows += chunk.numRows;
    const entity = entityState(entities, chunk.entityPath);
    entity.chunks++;
    entity.rows += chunk.numRows;
    if (chunk.isStatic) entity.hasStatic = true;
    for (const timeline of chunk.timelines) {
      let range = timelines.get(timeline.name);
      if (range === undefined) {
        range = new TimelineRange(timeline.name, timeline.kind);
        timelines.set(timeline.name, range);
      }
      for (const value of timeline.values) range.add(value);
    }
    for (const component of chunk.components) {
      entity.components.add(component.component);
      if (component.archetype !== undefined) entity.archetypes.add(component.archetype);
      if (component.component === CODEC_COMPONENT) videoCodec(videos, chunk.entityPath, component.rows);
      if (component.component === SAMPLE_COMPONENT) videoSamples(videos, chunk, component.rows);
    }
  };
  try {
    for await (const piece of createReadStream(file.path, { highWaterMark: READ_BYTES })) {
      for (const message of decoder.push(piece as Buffer)) {
        if (message.kind === 'set_store_info') {
          const { storeId } = message;
          stores.set(`${storeId.kind}/${storeId.applicationId}/${storeId.recordingId}`, { ...storeId });
        } else if (message.kind === 'arrow_msg') onChunk(message.chunk);
      }
    }
    decoder.end();
  } catch (error) {
    const fsError = fileError(file.path, error);
    if (fsError instanceof CliError) throw fsError;
    throw new CliError('input', `${file.path} is not a readable recording: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  // A torn last message (a crash while writing) is not damage: everything before it was read.
  const last = decoder.errors.at(-1);
  let truncated: TornTail | null = null;
  let damage = decoder.errors.length;
  if (last?.code === 'rrd-truncated') {
    const verdict = await classifyTail(file.path, file.size, last).catch((error: unknown) => {
      const fsError = fileError(file.path, error);
      throw fsError instanceof CliError
        ? fsError
        : new CliError('input', `cannot read ${file.path}: ${errorMessage(error)}`, { cause: error });
    });
    if (verdict.torn) {
      truncated = verdict.tail;
      damage--;
    } else {
      // Not a tear: the decoder waited for bytes a damaged length announced. Say why, in its entry.
      const at = decodeErrors.lastIndexOf(last.message);
      decodeErrors[at < 0 ? decodeErrors.length : at] = `${last.message}: ${verdict.reason}`;
    }
  }
  if (chunks === 0 && stores.size === 0) {
    throw new CliError(
      'input',
      `${file.path} holds no readable Rerun messages${decodeErrors[0] ? ` (${decodeErrors[0]})` : ''}`,
    );
  }
  return {
    kind: 'rrd',
    file: file.path,
    fileBytes: file.size,
    stores: [...stores.values()],
    chunks,
    rows,
    entities: [...entities].map(
      ([path, e]): EntityFacts => ({
        path,
        archetypes: [...e.archetypes].sort(),
        components: [...e.components].sort(),
        chunks: e.chunks,
        rows: e.rows,
        hasStatic: e.hasStatic,
      }),
    ),
    timelines: [...timelines.values()].flatMap((t) => t.facts() ?? []),
    videoStreams: [...videos].map(([entity, v]): VideoStreamFacts => {
      return {
        entity,
        samples: v.samples,
        unparsedSamples: v.unparsed,
        timeline: v.timeline?.facts() ?? null,
        video: v.facts?.finish() ?? null,
      };
    }),
    decodeErrors,
    truncated,
    damaged: damage > 0,
  };
}

function entityState(entities: Map<string, EntityState>, path: string): EntityState {
  let state = entities.get(path);
  if (state === undefined) {
    state = { archetypes: new Set(), components: new Set(), chunks: 0, rows: 0, hasStatic: false };
    entities.set(path, state);
  }
  return state;
}

function videoState(videos: Map<string, VideoState>, path: string): VideoState {
  let state = videos.get(path);
  if (state === undefined) {
    state = {
      codec: undefined,
      samples: 0,
      unparsed: 0,
      splitter: undefined,
      facts: undefined,
      timeline: undefined,
    };
    videos.set(path, state);
  }
  return state;
}

function videoCodec(
  videos: Map<string, VideoState>,
  path: string,
  rows: DecodedChunk['components'][number]['rows'],
): void {
  const value = rows.findLast((row) => row !== null && row.length > 0)?.[0];
  const codec = value === VideoCodec.H264 ? 'h264' : value === VideoCodec.H265 ? 'h265' : undefined;
  const state = videoState(videos, path);
  if (codec === undefined || state.codec !== undefined) return;
  state.codec = codec;
  // One sample is one access unit: only the parameter sets and the first slice header are read.
  state.splitter = new AccessUnitSplitter({
    codec,
    firstSliceOnly: true,
    bFrames: 'allow',
    openGop: 'allow',
  });
  state.facts = new VideoFactsBuilder(codec);
}

function videoSamples(
  videos: Map<string, VideoState>,
  chunk: DecodedChunk,
  rows: DecodedChunk['components'][number]['rows'],
): void {
  const state = videoState(videos, chunk.entityPath);
  const timeline =
    chunk.timelines.find((t) => t.name === PREFERRED_TIMELINE) ??
    chunk.timelines.find((t) => t.name !== 'log_time') ??
    chunk.timelines[0];
  if (timeline !== undefined) state.timeline ??= new TimelineRange(timeline.name, timeline.kind);
  const times =
    timeline !== undefined && timeline.name === state.timeline?.name ? timeline.values : undefined;
  rows.forEach((row, i) => {
    const blob = row?.[0] as { toArray(): Uint8Array } | undefined;
    if (blob === undefined) return;
    state.samples++;
    const pts = times?.[i];
    if (pts !== undefined) state.timeline?.add(pts);
    const { splitter, facts } = state;
    if (splitter === undefined || facts === undefined) return;
    const data = blob.toArray();
    try {
      const aus = [...splitter.push(data), ...splitter.endAccessUnit()];
      for (const au of aus)
        facts.add({ au, pts: pts ?? 0n, duration: undefined, storedBytes: data.byteLength });
    } catch (error) {
      // A sample that is not Annex B is counted, not fatal: the report is about what the file holds.
      if (!isCamstreamError(error)) throw error;
      state.unparsed++;
      splitter.reset();
    }
  });
}
