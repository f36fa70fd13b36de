import type { InspectReport, RrdReport, TimelineFacts, VideoFacts, VideoFileReport } from './report.js';

/** Renders an {@link InspectReport} as the human-readable text `camstream inspect` prints. */
export function formatReport(report: InspectReport): string {
  const lines = report.kind === 'video' ? videoFileLines(report) : rrdLines(report);
  return `${lines.join('\n')}\n`;
}

function videoFileLines(report: VideoFileReport): string[] {
  return [
    `${report.file}: ${report.container}, ${bytes(report.fileBytes)}`,
    ...videoLines(report.video, '  '),
  ];
}

function rrdLines(report: RrdReport): string[] {
  const lines = [`${report.file}: Rerun recording, ${bytes(report.fileBytes)}`];
  for (const s of report.stores)
    lines.push(`  store: ${s.kind} app id ${s.applicationId}, recording id ${s.recordingId}`);
  lines.push(`  chunks: ${report.chunks}, rows: ${report.rows}`);
  for (const t of report.timelines) lines.push(`  timeline ${timeline(t)}`);
  for (const e of report.entities) {
    lines.push(
      `  entity ${e.path}: ${e.chunks} chunks, ${e.rows} rows${e.hasStatic ? ' (with static data)' : ''}`,
      `    archetypes: ${e.archetypes.join(', ') || 'none'}`,
      `    components: ${e.components.join(', ') || 'none'}`,
    );
  }
  for (const v of report.videoStreams) {
    lines.push(
      `  video stream ${v.entity}: ${v.samples} samples${v.timeline ? ` on ${timeline(v.timeline)}` : ''}`,
    );
    if (v.unparsedSamples > 0) lines.push(`    ${v.unparsedSamples} samples are not Annex B access units`);
    if (v.video) lines.push(...videoLines(v.video, '    '));
  }
  const torn = report.truncated;
  const errors = torn === null ? report.decodeErrors : report.decodeErrors.slice(0, -1);
  for (const error of errors) lines.push(`  decode error: ${error}`);
  if (torn !== null) {
    lines.push(
      `  truncated: the last ${torn.bytes} bytes (from byte ${torn.offset}) are a message cut short; everything before it was read`,
    );
  }
  return lines;
}

function videoLines(v: VideoFacts, indent: string): string[] {
  const level = v.level === null ? 'level ?' : `level ${v.level}`;
  const lines = [
    `${v.codec} (${v.codecString ?? 'no SPS'}), ${v.width ?? '?'}x${v.height ?? '?'}, ${v.profile ?? 'unknown profile'}, ${level}` +
      (v.bitDepth !== null ? `, ${v.bitDepth}-bit ${v.chromaFormat ?? ''}`.trimEnd() : ''),
    `frames: ${v.frames}, duration: ${v.duration === null ? '?' : `${v.duration.toFixed(3)} s`}, ` +
      `frame rate: ${v.frameRate === null ? '?' : v.frameRate.toFixed(3)}, bitrate: ${v.bitrate === null ? '?' : kbps(v.bitrate)}`,
    `keyframes: ${v.keyframes.length} at ${list(v.keyframes)}; GOP ${v.maxGop === null ? 'none' : `max ${v.maxGop} frames`}`,
    `B-frames: ${v.bFrames ? 'yes' : 'no'}, open GOP: ${v.openGop ? 'yes' : 'no'}` +
      (v.framesBeforeFirstKeyframe > 0
        ? `, ${v.framesBeforeFirstKeyframe} frames before the first keyframe`
        : '') +
      (v.spsChanges > 0 ? `, ${v.spsChanges} SPS changes` : ''),
  ];
  if (v.bFrames || v.openGop) {
    lines.push('Rerun 0.33 cannot play this as it is: re-encode with camstream capture --input FILE');
  }
  return lines.map((line) => indent + line);
}

function timeline(t: TimelineFacts): string {
  const show = (value: string): string => (t.kind === 'duration' ? `${Number(value) / 1e9} s` : value);
  return `${t.name} (${t.kind}): ${show(t.min)} … ${show(t.max)}`;
}

/** At most 12 positions, then an ellipsis: a long file has thousands of keyframes. */
function list(values: readonly number[]): string {
  if (values.length === 0) return '-';
  const shown = values.slice(0, 12).join(', ');
  return values.length > 12 ? `${shown}, … (${values.length - 12} more)` : shown;
}

function bytes(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} kB` : `${n} B`;
}

function kbps(bitsPerSecond: number): string {
  return `${(bitsPerSecond / 1000).toFixed(0)} kb/s`;
}
