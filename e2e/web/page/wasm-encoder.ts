// Loaded only when a test asks for the wasm backend: the app's side of `wasm: () => import(...)`.
export * from '@camstream/encoder-wasm/browser';
