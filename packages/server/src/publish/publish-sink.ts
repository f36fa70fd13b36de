// The publish sink is platform-neutral and lives in @camstream/core (browsers use it too); re-exported here
// so existing imports from @camstream/server keep working.
export {
  PublishSink,
  type PublishSinkOptions,
  publishSink,
  type WebSocketClass,
  type WebSocketLike,
} from '@camstream/core';
