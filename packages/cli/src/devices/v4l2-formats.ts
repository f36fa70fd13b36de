import { logLines } from './ffmpeg-log.js';

/** One format a V4L2 camera offers, as `ffmpeg -f v4l2 -list_formats all` reports it. */
export interface CameraFormat {
  /** `raw` frames (a pixel format) or `compressed` ones (a codec such as mjpeg). */
  readonly kind: 'raw' | 'compressed';
  /** ffmpeg's name of the pixel format or codec (`yuyv422`, `mjpeg`; `Unsupported` when ffmpeg has none). */
  readonly format: string;
  /** The driver's description (`YUYV 4:2:2`). */
  readonly description: string;
  /** Frame sizes: `640x480`, or a range such as `{32-4096, 2}x{32-2304, 2}`. */
  readonly sizes: readonly string[];
}

/** What `ffmpeg -hide_banner -f v4l2 -list_formats all -i DEV` said about one device node. */
export interface V4l2Report {
  /** The formats listed (none when ffmpeg could not open the node). */
  readonly formats: readonly CameraFormat[];
  /** ffmpeg said the node is not a video capture device (a UVC camera's metadata node, for one). */
  readonly notCapture: boolean;
  /** ffmpeg's last line when it listed no formats: why the node could not be asked (busy, no permission). */
  readonly problem?: string;
}

// v4l2.c prints "Raw       : %11s : %20s :" or "Compressed: …", then " Emulated :" for formats libv4l2
// converts to, then each size as " WxH" (discrete) or " {min-max, step}x{min-max, step}" (stepwise).
const FORMAT_LINE = /^(Raw|Compressed)\s*:\s*(\S+)\s+:\s+(.*?)\s+:(?:\s+Emulated\s+:)?(.*)$/;
const SIZE = /\{[^}]*\}x\{[^}]*\}|\d+x\d+/g;

/** Reads the stderr of `ffmpeg -hide_banner -f v4l2 -list_formats all -i DEV`. */
export function parseV4l2Formats(stderr: string): V4l2Report {
  const formats: CameraFormat[] = [];
  const lines = logLines(stderr);
  for (const line of lines) {
    const match = FORMAT_LINE.exec(line.trim());
    if (match === null) continue;
    const [, kind, format, description, sizes] = match as unknown as [string, string, string, string, string];
    formats.push({
      kind: kind === 'Raw' ? 'raw' : 'compressed',
      format,
      description,
      sizes: sizes.match(SIZE) ?? [],
    });
  }
  const notCapture = lines.some((line) => line.includes('Not a video capture device'));
  const last = lines.at(-1)?.trim();
  // ffmpeg ends a successful listing with "DEV: Immediate exit requested": that is no problem.
  if (formats.length > 0 || notCapture || last === undefined) return { formats, notCapture };
  return { formats, notCapture, problem: last };
}
