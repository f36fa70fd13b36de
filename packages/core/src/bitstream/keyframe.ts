import {
  H264NalType,
  H265NalType,
  isH264Vcl,
  isH265Idr,
  isH265Vcl,
  nalUnitType,
  type VideoCodecName,
} from './nal.js';

/**
 * Whether one Annex B sample starts a GOP the way Rerun 0.33 decides it: it holds a sequence parameter set
 * and its picture is IDR. Only NAL headers up to the first slice are read (all slices of a picture share
 * its IDR-ness), so for a P-frame this stops within the first few bytes. The SPS is not parsed here; the
 * access-unit splitter does that.
 */
export function isKeyframeSample(sample: Uint8Array, codec: VideoCodecName): boolean {
  let sawSps = false;
  for (let i = sample.indexOf(1); i >= 2 && i + 1 < sample.length; i = sample.indexOf(1, i + 1)) {
    if (sample[i - 1] !== 0 || sample[i - 2] !== 0) continue;
    const type = nalUnitType(codec, sample[i + 1]!);
    if (codec === 'h264') {
      if (type === H264NalType.Sps) sawSps = true;
      else if (isH264Vcl(type)) return sawSps && type === H264NalType.IdrSlice;
    } else if (type === H265NalType.Sps) sawSps = true;
    else if (isH265Vcl(type)) return sawSps && isH265Idr(type);
  }
  return false;
}
