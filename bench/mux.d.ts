/** Minimal types for the parts of `mux.js` (no types of its own) the bitstream benchmark uses. */
declare module 'mux.js' {
  interface NalByteStream {
    push(event: { data: Uint8Array }): void;
    flush(): void;
    on(event: 'data', listener: (nal: Uint8Array) => void): void;
  }
  const muxjs: { codecs: { h264: { NalByteStream: new () => NalByteStream } } };
  export default muxjs;
}
