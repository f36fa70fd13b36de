/**
 * `@camstream/server`: Rerun's live message proxy (`rerun.sdk_comms.v1alpha1.MessageProxyService` over gRPC
 * on h2c and gRPC-web on HTTP/1.1, one port), the hosted viewer page, keyframe-aware replay for late
 * joiners, a publish WebSocket, and client sinks (`connectSink`, `publishSink`). Node only. The proxy's parts
 * (hub, replay store, listener) are not exported: `startServer` and its options are the way in.
 * @packageDocumentation
 */
export {
  ConnectSink,
  type ConnectSinkOptions,
  type ConnectSinkStats,
  connectSink,
} from './connect/connect-sink.js';
export { proxyOrigin } from './connect/proxy-url.js';
export { ServerError, type ServerErrorCode } from './errors.js';
export type { PublishStats } from './publish/publish-endpoint.js';
export {
  PublishSink,
  type PublishSinkOptions,
  publishSink,
  type WebSocketClass,
  type WebSocketLike,
} from './publish/publish-sink.js';
export type { HistoryMode } from './replay/replay-store.js';
export {
  type CamstreamServer,
  type ServerOptions,
  type ServerStats,
  startServer,
} from './server.js';
export type { TlsFiles } from './transport/dual-listener.js';
export { SERVER_LIMIT_DEFAULTS, type ServerLimits } from './transport/limits.js';
export type { ServiceStats } from './transport/service.js';
