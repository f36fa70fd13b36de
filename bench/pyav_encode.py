"""PyAV anchor for bench/encoder.bench.ts.

Encodes the bench's raw I420 frames (the cached `testsrc2` .yuv file the other encoders read) with PyAV's libx264,
with the options of the other anchors: preset, tune=zerolatency, no B-frames, keyframes exactly every `gop`
frames (no scene-cut, so the GOP alone places them), pix_fmt yuv420p, x264's default rate control (CRF 23), and one encoder
thread by default (the encoder of Rerun's example runs with one thread).

Timed: the encode loop only (read a frame from the file, copy it into an AVFrame, encode, then flush), not the
interpreter start, the import or the codec open. Packets are counted, not written. `steady_seconds` is the
same loop from the arrival of packet STEADY_FROM (counted from 0; the first GOP encoded) to the last, in which
the other FRAMES - STEADY_FROM - 1 packets came: the window the bench times every encoder by, so that
start-ups of different kinds (a codec open here, a process start there) stay out of the comparison.

Usage: pyav_encode.py RAW WIDTH HEIGHT PRESET GOP THREADS FRAMES
Prints one JSON line: {"frames", "packets", "bytes", "seconds", "steady_seconds", "steady_from", "fps",
"open_seconds", "threads", "av"}.
"""

import json
import sys
import time
from fractions import Fraction

import av

STEADY_FROM = 30


def main() -> None:
    if len(sys.argv) != 8:
        sys.exit(__doc__)
    path = sys.argv[1]
    width, height = int(sys.argv[2]), int(sys.argv[3])
    preset = sys.argv[4]
    gop, threads, frames = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
    luma = width * height
    chroma = (width // 2) * (height // 2)
    frame_size = luma + 2 * chroma

    t_open = time.perf_counter()
    ctx = av.CodecContext.create("libx264", "w")
    ctx.width = width
    ctx.height = height
    ctx.pix_fmt = "yuv420p"
    ctx.time_base = Fraction(1, 30)
    ctx.framerate = Fraction(30, 1)
    ctx.gop_size = gop
    ctx.bit_rate = 0  # rate control left to x264 (CRF 23), as in the ffmpeg anchors
    ctx.thread_count = threads
    ctx.options = {
        "preset": preset,
        "tune": "zerolatency",
        "sc_threshold": "0",
        "bf": "0",  # max_b_frames (no attribute for it in Debian's PyAV 10)
    }
    ctx.open()
    open_seconds = time.perf_counter() - t_open

    frame = av.VideoFrame(width, height, "yuv420p")
    planes = frame.planes
    widths = (width, width // 2, width // 2)
    heights = (height, height // 2, height // 2)
    padded = any(p.line_size != w for p, w in zip(planes, widths))
    if padded:
        # Rows padded by FFmpeg's alignment: copy row by row through numpy.
        import numpy as np

        views = [np.frombuffer(p, dtype=np.uint8).reshape(-1, p.line_size) for p in planes]

    packets = 0
    size = 0
    buffer = bytearray(frame_size)
    data = memoryview(buffer)
    offsets = (0, luma, luma + chroma, frame_size)
    steady_t0 = None
    with open(path, "rb", buffering=0) as raw:
        t0 = time.perf_counter()
        for index in range(frames):
            if raw.readinto(buffer) != frame_size:
                sys.exit(f"{path}: short read at frame {index}")
            for i, plane in enumerate(planes):
                chunk = data[offsets[i] : offsets[i + 1]]
                if padded:
                    src = np.frombuffer(chunk, dtype=np.uint8).reshape(heights[i], widths[i])
                    views[i][: heights[i], : widths[i]] = src
                else:
                    plane.update(chunk)
            frame.pts = index
            frame.time_base = ctx.time_base
            for packet in ctx.encode(frame):
                packets += 1
                size += packet.size
                if packets == STEADY_FROM + 1:
                    steady_t0 = time.perf_counter()
        for packet in ctx.encode(None):
            packets += 1
            size += packet.size
        t_end = time.perf_counter()
        seconds = t_end - t0

    if packets != frames:
        sys.exit(f"encoded {packets} packets for {frames} frames")
    result = {
        "frames": frames,
        "packets": packets,
        "bytes": size,
        "seconds": seconds,
        "steady_seconds": t_end - steady_t0,
        "steady_from": STEADY_FROM,
        "fps": frames / seconds,
        "open_seconds": open_seconds,
        "threads": threads,
        "av": av.__version__,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
