import type { EncodersReport } from './report.js';

/** Renders an {@link EncodersReport} as the table `camstream encoders` prints. */
export function formatEncoders(report: EncodersReport): string {
  const lines: string[] = [];
  lines.push(
    report.ffmpeg === null
      ? `system ffmpeg: not usable (${report.ffmpegError})`
      : `system ffmpeg: ${report.ffmpeg.path}, version ${report.ffmpeg.version}`,
  );
  const rows = [
    ['encoder', 'codec', 'family', 'result', 'reason'],
    ...report.encoders.map((e) => [
      report.ffmpeg === null ? e.name : `ffmpeg:${e.name}`,
      e.codec,
      e.family,
      e.works ? 'works' : 'fails',
      e.reason ?? '',
    ]),
    ...report.wasm.encoders.map((name) => [
      `wasm (${name})`,
      name === 'libx265' ? 'h265' : 'h264',
      'ffmpeg.wasm',
      'works',
      'bundled, needs nothing installed',
    ]),
  ];
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  lines.push('');
  for (const row of rows)
    lines.push(
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join('  ')
        .trimEnd(),
    );
  lines.push('');
  lines.push(
    report.auto.encoder === 'ffmpeg'
      ? '--encoder auto uses: ffmpeg (the system ffmpeg with libx264)'
      : `--encoder auto uses: wasm (ffmpeg.wasm with libx264), because ${report.auto.reason}`,
  );
  return `${lines.join('\n')}\n`;
}
