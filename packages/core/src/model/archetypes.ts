import type { VideoCodec } from './codec.js';
import { assertVideoCodec } from './codec.js';
import type { AsComponents, ComponentBatch, ComponentDescriptor } from './components.js';

const VIDEO_STREAM = 'rerun.archetypes.VideoStream';
const SCALARS = 'rerun.archetypes.Scalars';
const TEXT_DOCUMENT = 'rerun.archetypes.TextDocument';

function descriptor(
  archetype: string,
  short: string,
  field: string,
  componentType: string,
  element: ComponentDescriptor['element'],
): ComponentDescriptor {
  return {
    archetype,
    component: `${short}:${field}`,
    componentType: `rerun.components.${componentType}`,
    element,
  };
}

/** Rerun 0.33's `VideoStream` component descriptors. */
export const VideoStreamComponents = {
  codec: descriptor(VIDEO_STREAM, 'VideoStream', 'codec', 'VideoCodec', 'u32'),
  sample: descriptor(VIDEO_STREAM, 'VideoStream', 'sample', 'VideoSample', 'blob'),
  isKeyframe: descriptor(VIDEO_STREAM, 'VideoStream', 'is_keyframe', 'IsKeyframe', 'bool'),
  opacity: descriptor(VIDEO_STREAM, 'VideoStream', 'opacity', 'Opacity', 'f32'),
  drawOrder: descriptor(VIDEO_STREAM, 'VideoStream', 'draw_order', 'DrawOrder', 'f32'),
} as const;

/** Rerun 0.33's `Scalars` component descriptors. */
export const ScalarsComponents = {
  scalars: descriptor(SCALARS, 'Scalars', 'scalars', 'Scalar', 'f64'),
} as const;

/** Rerun 0.33's `TextDocument` component descriptors. */
export const TextDocumentComponents = {
  text: descriptor(TEXT_DOCUMENT, 'TextDocument', 'text', 'Text', 'utf8'),
  mediaType: descriptor(TEXT_DOCUMENT, 'TextDocument', 'media_type', 'MediaType', 'utf8'),
} as const;

/** Fields of a {@link VideoStream}; all optional, as in Rerun's `VideoStream.from_fields`. */
export interface VideoStreamFields {
  /** The codec; log it once as static data on the entity. */
  codec?: VideoCodec;
  /** One access unit (one frame), Annex B for H.264/H.265. */
  sample?: Uint8Array;
  /**
   * Whether the sample starts a GOP. The viewer ignores it (it finds keyframes in the bitstream itself);
   * RecordingStream uses it, when given, to cut per-GOP chunks and mark keyframe messages for sinks, and
   * otherwise reads the sample's NAL headers (SPS + IDR) for H.264/H.265. Logged as `VideoStream:is_keyframe`.
   */
  isKeyframe?: boolean;
  opacity?: number;
  drawOrder?: number;
}

/**
 * The `VideoStream` archetype: a stream of encoded video samples on one entity. Shaped like Rerun's Python
 * API: `new VideoStream({ codec })` once as static, then `VideoStream.fromFields({ sample })` per frame.
 */
export class VideoStream implements AsComponents {
  readonly archetype = VIDEO_STREAM;
  readonly batches: readonly ComponentBatch[];
  /** The sample, when this holds one (RecordingStream checks ordering and static-ness of these). */
  readonly sample: Uint8Array | undefined;

  constructor(fields: VideoStreamFields) {
    const batches: ComponentBatch[] = [];
    const c = VideoStreamComponents;
    if (fields.codec !== undefined) {
      batches.push({
        descriptor: c.codec,
        data: { element: 'u32', values: [assertVideoCodec(fields.codec)] },
      });
    }
    if (fields.sample !== undefined) {
      batches.push({ descriptor: c.sample, data: { element: 'blob', values: [fields.sample] } });
    }
    if (fields.isKeyframe !== undefined) {
      batches.push({ descriptor: c.isKeyframe, data: { element: 'bool', values: [fields.isKeyframe] } });
    }
    if (fields.opacity !== undefined) {
      batches.push({ descriptor: c.opacity, data: { element: 'f32', values: [fields.opacity] } });
    }
    if (fields.drawOrder !== undefined) {
      batches.push({ descriptor: c.drawOrder, data: { element: 'f32', values: [fields.drawOrder] } });
    }
    this.batches = batches;
    this.sample = fields.sample;
  }

  /** Same as the constructor; mirrors Python's `VideoStream.from_fields(sample=…)`. */
  static fromFields(fields: VideoStreamFields): VideoStream {
    return new VideoStream(fields);
  }
}

/** The `Scalars` archetype: one or more scalar values per time point, plotted by the viewer. */
export class Scalars implements AsComponents {
  readonly archetype = SCALARS;
  readonly batches: readonly ComponentBatch[];

  constructor(scalars: number | ArrayLike<number>) {
    const values = typeof scalars === 'number' ? [scalars] : scalars;
    this.batches = [{ descriptor: ScalarsComponents.scalars, data: { element: 'f64', values } }];
  }
}

/** Options of a {@link TextDocument}. */
export interface TextDocumentOptions {
  /**
   * The text's media type, e.g. `text/plain` or `text/markdown` (which the viewer renders as Markdown).
   * Logged as `TextDocument:media_type`; left out, the viewer assumes `text/plain`.
   */
  mediaType?: string;
}

/**
 * The `TextDocument` archetype: a text shown in its own text view, as plain text or Markdown. Shaped like
 * Rerun's Python API: `new TextDocument('# Notes', { mediaType: 'text/markdown' })`, often logged as static.
 * The text is written as UTF-8 (`TextDocument:text`, one string per row).
 */
export class TextDocument implements AsComponents {
  readonly archetype = TEXT_DOCUMENT;
  readonly batches: readonly ComponentBatch[];

  constructor(text: string, options: TextDocumentOptions = {}) {
    const c = TextDocumentComponents;
    const batches: ComponentBatch[] = [{ descriptor: c.text, data: { element: 'utf8', values: [text] } }];
    if (options.mediaType !== undefined) {
      batches.push({ descriptor: c.mediaType, data: { element: 'utf8', values: [options.mediaType] } });
    }
    this.batches = batches;
  }
}
