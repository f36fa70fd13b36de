// @ffmpeg/core ships no types; this is the part of its Emscripten module camstream uses.
declare module '@ffmpeg/core' {
  const createFFmpegCore: (options: Record<string, unknown>) => Promise<unknown>;
  export default createFFmpegCore;
}
