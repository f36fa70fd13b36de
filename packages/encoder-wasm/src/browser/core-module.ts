// The browser's compiled ffmpeg core: compiled once per page and wasm URL, then posted to every encoder worker
// (a WebAssembly.Module is shared, not copied, between a page and its dedicated workers, JIT-tiered code included).

const modules = new Map<string, Promise<WebAssembly.Module>>();

/**
 * `@ffmpeg/core`'s wasm from `url` (absolute), compiled once per page: later encoders (a restart, a backend
 * switch) start without fetching or compiling 31 MB again. A failure is not cached. Rejects with a plain
 * `Error` saying what the URL answered instead.
 */
export function loadCoreModule(url: string): Promise<WebAssembly.Module> {
  let module = modules.get(url);
  if (module === undefined) {
    module = compileCore(url);
    modules.set(url, module);
    module.catch(() => modules.delete(url));
  }
  return module;
}

async function compileCore(url: string): Promise<WebAssembly.Module> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}; expected ffmpeg-core.wasm`);
  // compileStreaming needs `Content-Type: application/wasm`; servers that send another type still work.
  const type = response.headers.get('content-type') ?? 'no content type';
  if (type.startsWith('application/wasm')) return WebAssembly.compileStreaming(response);
  const bytes = new Uint8Array(await response.arrayBuffer());
  // An SPA fallback answers 200 with index.html for a wrong path: say so instead of "expected magic word".
  if (bytes[0] !== 0x00 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new Error(
      `GET ${url} answered ${type}, not a wasm module (starts with ${JSON.stringify(new TextDecoder().decode(bytes.subarray(0, 16)))}); expected ffmpeg-core.wasm`,
    );
  }
  return WebAssembly.compile(bytes);
}
