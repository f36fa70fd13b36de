import { probeInputFile } from '../remux/input-file.js';
import { openVideo } from '../remux/open-video.js';
import type { InspectReport, VideoFileReport } from './report.js';
import { rrdFacts } from './rrd-facts.js';
import { VideoFactsBuilder } from './video-facts.js';

/** Options of {@link inspect}. */
export interface InspectOptions {
  /** Frame rate assumed for Annex B input, which carries no timestamps (default: SPS timing, else 25). */
  readonly fps?: number;
}

/**
 * Reports what `file` holds: for a video file (MP4/MOV/MKV/WebM/Annex B) its codec, size, profile/level,
 * frames, keyframes, GOPs, bitrate, duration, B-frames and open GOPs; for an `.rrd` its stores, entities,
 * timelines, chunks and rows, and the same video facts per VideoStream. Reads the file once, streaming.
 * B-frames and open GOPs are reported, not refused. An `.rrd` that ends in a torn message (a crash while
 * writing) has `truncated` set; one with damage before that has `damaged: true` (`camstream inspect` exits 1).
 */
export async function inspect(file: string, options: InspectOptions = {}): Promise<InspectReport> {
  const input = await probeInputFile(file);
  if (input.kind === 'rrd') return rrdFacts(input);
  const reader = await openVideo(input, options.fps === undefined ? {} : { fps: options.fps });
  const facts = new VideoFactsBuilder(reader.codec);
  for await (const sample of reader.samples) facts.add(sample);
  const report: VideoFileReport = {
    kind: 'video',
    file,
    fileBytes: input.size,
    container: reader.container,
    video: facts.finish(),
  };
  return report;
}
