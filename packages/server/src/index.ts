/**
 * `@camstream/server`: Rerun's live message proxy (`rerun.sdk_comms.v1alpha1.MessageProxyService` over gRPC
 * on h2c and gRPC-web on HTTP/1.1, one port), the hosted viewer page, keyframe-aware replay for late
 * joiners, a publish WebSocket, and client sinks (`connectSink`, `publishSink`). Node only.
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
export { Hub, type HubOptions } from './fanout/hub.js';
export { Subscriber, type SubscriberOptions } from './fanout/subscriber.js';
export { viewerPageHtml } from './page/page.js';
export {
  createPublishEndpoint,
  type PublishEndpoint,
  type PublishEndpointOptions,
  type PublishStats,
} from './publish/publish-endpoint.js';
export {
  PublishSink,
  type PublishSinkOptions,
  publishSink,
  type WebSocketClass,
  type WebSocketLike,
} from './publish/publish-sink.js';
export { storedFromRrd } from './publish/rrd-messages.js';
export { rawLogMsg } from './replay/raw-log-msg.js';
export { type HistoryMode, ReplayStore, type ReplayStoreOptions } from './replay/replay-store.js';
export { type CodecTable, fromEncoded, fromLogMsg, type StoredMessage } from './replay/stored-message.js';
export {
  type CamstreamServer,
  type ServerOptions,
  type ServerStats,
  startServer,
} from './server.js';
export { handleCors, isAllowedOrigin } from './transport/cors.js';
export {
  createDualListener,
  type DualHandler,
  type DualListener,
  type DualListenerOptions,
  type ListenerLimits,
  type TlsFiles,
} from './transport/dual-listener.js';
export { grpcWebFrame, grpcWebTrailer, isGrpcWebRead, serveGrpcWebRead } from './transport/grpc-web-read.js';
export { SERVER_LIMIT_DEFAULTS, type ServerLimits } from './transport/limits.js';
