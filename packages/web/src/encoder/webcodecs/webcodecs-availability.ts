import { errorMessage } from '@camstream/core/media';
import { h264CodecString } from '../h264-level.js';
import type { EncoderSettings } from '../session-encoder.js';
import { webCodecsSupport } from './webcodecs-support.js';

/**
 * Whether WebCodecs can encode H.264 at these settings on this page (`VideoEncoder.isConfigSupported`, which
 * opens no encoder), and if not, why.
 */
export async function webCodecsAvailability(
  settings: EncoderSettings,
): Promise<{ available: boolean; reason: string }> {
  const support = webCodecsSupport();
  if (!support.available) return { available: false, reason: support.reason };
  let codec: string;
  try {
    codec = h264CodecString({
      width: settings.width,
      height: settings.height,
      framerate: settings.frameRate,
      bitrate: settings.bitrate,
    });
  } catch (error) {
    return { available: false, reason: errorMessage(error) };
  }
  try {
    const result = await VideoEncoder.isConfigSupported({
      codec,
      width: settings.width,
      height: settings.height,
      framerate: settings.frameRate,
      bitrate: settings.bitrate,
      latencyMode: 'realtime',
      avc: { format: 'annexb' },
    });
    if (result.supported === true) return { available: true, reason: 'WebCodecs can encode H.264 here' };
  } catch {
    // Reported below.
  }
  return {
    available: false,
    reason: `this browser's WebCodecs has no H.264 encoder for ${codec} at ${settings.width}x${settings.height}`,
  };
}
