import { CliError } from '../errors.js';
import { type AnnexBReaderOptions, openAnnexB } from './annexb-reader.js';
import { openContainer } from './container-reader.js';
import type { InputFile } from './input-file.js';
import type { VideoSampleReader } from './video-samples.js';

/**
 * Opens a probed video file by what its bytes say it is: Annex B through core's parser, anything else
 * through the container demuxer. An `.rrd` is refused: it is a recording, not a video file.
 */
export async function openVideo(
  file: InputFile,
  options: AnnexBReaderOptions = {},
): Promise<VideoSampleReader> {
  if (file.kind === 'rrd') {
    throw new CliError(
      'input',
      `${file.path} is a Rerun recording (.rrd), not a video file; expected MP4, MOV, MKV, WebM or Annex B H.264/H.265`,
    );
  }
  return file.kind === 'annexb' ? openAnnexB(file, options) : openContainer(file);
}
