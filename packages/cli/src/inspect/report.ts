/**
 * The `camstream inspect --json` shape. Stable: fields are only ever added. Unknown values are `null`,
 * never missing. Times on Rerun timelines are decimal strings of integers (nanoseconds for duration and
 * timestamp timelines), since they do not all fit a JSON number.
 */

/** Facts about one H.264/H.265 video track (from a file, or from a recording's VideoStream samples). */
export interface VideoFacts {
  /** `h264` or `h265`. */
  readonly codec: 'h264' | 'h265';
  /** WebCodecs/RFC 6381 codec string of the first SPS, e.g. `avc1.64001f`. */
  readonly codecString: string | null;
  /** Display width in pixels (after cropping). */
  readonly width: number | null;
  /** Display height in pixels (after cropping). */
  readonly height: number | null;
  /** Profile as ffprobe names it (`High`, `Constrained Baseline`, `Main`, …). */
  readonly profile: string | null;
  /** Level as a number, e.g. 3.1. */
  readonly level: number | null;
  /** level_idc as ffprobe prints `level` (H.264: 31; H.265: general_level_idc, 93). */
  readonly levelIdc: number | null;
  /** Luma bit depth. */
  readonly bitDepth: number | null;
  /** `4:2:0`, … */
  readonly chromaFormat: string | null;
  /** Frames (access units). */
  readonly frames: number;
  /** Decode-order indices of keyframes (IDR with parameter sets: where the viewer can start). */
  readonly keyframes: readonly number[];
  /** Frames from each keyframe to the next (the last to the end). */
  readonly gopLengths: readonly number[];
  /** The longest GOP, in frames; null without keyframes. */
  readonly maxGop: number | null;
  /** Frames before the first keyframe (the viewer cannot show them). */
  readonly framesBeforeFirstKeyframe: number;
  /** Picture types in decode order (`IPPP…`; `?` where the slice header did not parse). */
  readonly pictTypes: string;
  /** Bytes of coded video (as stored in the file / the samples). */
  readonly bytes: number;
  /** Presentation time of the first frame, in seconds. */
  readonly start: number | null;
  /** Time all frames span (up to the end of the last one), in seconds. */
  readonly duration: number | null;
  /** Average bits per second over `duration`. */
  readonly bitrate: number | null;
  /** Frames per second over `duration`. */
  readonly frameRate: number | null;
  /** B-slices or reordered presentation times: Rerun 0.33 cannot play this without re-encoding. */
  readonly bFrames: boolean;
  /** Random-access points other pictures reach across (CRA/BLA, H.264 recovery points with leading pictures). */
  readonly openGop: boolean;
  /** SPS changes (resolution, profile) within the stream. */
  readonly spsChanges: number;
}

/** `inspect` of a video file. */
export interface VideoFileReport {
  /** Tells the two report kinds apart. */
  readonly kind: 'video';
  /** The path inspected, as given. */
  readonly file: string;
  /** File size in bytes. */
  readonly fileBytes: number;
  /** `mp4`, `quicktime`, `matroska`, `webm` or `annexb`. */
  readonly container: string;
  readonly video: VideoFacts;
}

/** A store (recording or blueprint) found in an `.rrd`. */
export interface StoreFacts {
  /** A recording, or a blueprint (the viewer's layout). */
  readonly kind: 'recording' | 'blueprint';
  /** Groups recordings in the viewer. */
  readonly applicationId: string;
  /** Identifies this recording. */
  readonly recordingId: string;
}

/** A timeline and the range of times logged on it. */
export interface TimelineFacts {
  /** Timeline name (`time`, `log_time`, …). */
  readonly name: string;
  /** How its values count: frames (`sequence`), nanoseconds (`duration`), ns since 1970 (`timestamp`). */
  readonly kind: 'sequence' | 'duration' | 'timestamp';
  /** Smallest and largest time, as decimal integer strings. */
  readonly min: string;
  readonly max: string;
}

/** An entity of an `.rrd` and what was logged on it. */
export interface EntityFacts {
  /** Entity path as Rerun writes it (`/video_stream`). */
  readonly path: string;
  /** Archetypes seen (`rerun.archetypes.VideoStream`, …). */
  readonly archetypes: readonly string[];
  /** Components seen (`VideoStream:sample`, …). */
  readonly components: readonly string[];
  /** Chunks logged on it. */
  readonly chunks: number;
  /** Rows over those chunks (a static row counts too). */
  readonly rows: number;
  /** Whether any static data was logged on it. */
  readonly hasStatic: boolean;
}

/** A VideoStream entity: its samples read back through the bitstream parser. */
export interface VideoStreamFacts {
  /** Entity path of the VideoStream. */
  readonly entity: string;
  /** Samples logged (rows with a `VideoStream:sample`). */
  readonly samples: number;
  /** Samples the bitstream parser could not read as an Annex B access unit. */
  readonly unparsedSamples: number;
  /** The timeline the facts' times are read from (`time` if present), with its range over the samples. */
  readonly timeline: TimelineFacts | null;
  /** Null when the codec is not H.264/H.265 or no sample was logged. */
  readonly video: VideoFacts | null;
}

/** `inspect` of a Rerun recording. */
export interface RrdReport {
  /** Tells the two report kinds apart. */
  readonly kind: 'rrd';
  /** The path inspected, as given. */
  readonly file: string;
  /** File size in bytes. */
  readonly fileBytes: number;
  readonly stores: readonly StoreFacts[];
  /** ArrowMsg chunks and their rows, over all stores. */
  readonly chunks: number;
  readonly rows: number;
  readonly entities: readonly EntityFacts[];
  readonly timelines: readonly TimelineFacts[];
  readonly videoStreams: readonly VideoStreamFacts[];
  /** Messages the decoder could not read (it skips them, as Rerun does), and a torn tail. */
  readonly decodeErrors: readonly string[];
  /**
   * The file ends inside a message, after its last whole one: what a recorder killed while writing leaves.
   * Everything before `offset` was read. `null` when the file ends on a message boundary.
   */
  readonly truncated: TornTail | null;
  /**
   * Something before the end could not be read (`decodeErrors` other than a torn tail): `camstream inspect`
   * prints the report and exits 1.
   */
  readonly damaged: boolean;
}

/** Where an `.rrd`'s torn last message starts. */
export interface TornTail {
  /** Byte offset of the message that was cut short. */
  readonly offset: number;
  /** Bytes from `offset` to the end of the file. */
  readonly bytes: number;
}

/** What `camstream inspect` reports: a video file or a recording. */
export type InspectReport = VideoFileReport | RrdReport;
