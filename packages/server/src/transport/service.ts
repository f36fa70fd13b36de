import { create } from '@bufbuild/protobuf';
import { isCamstreamError } from '@camstream/core/media';
import {
  MessageProxyService,
  type ReadMessagesResponse,
  ReadMessagesResponseSchema,
  type WriteMessagesRequest,
  WriteMessagesResponseSchema,
} from '@camstream/core/wire';
import { Code, ConnectError, type ConnectRouter, type HandlerContext } from '@connectrpc/connect';
import type { Hub } from '../fanout/hub.js';

/** Counters the service keeps. */
export interface ServiceStats {
  /** LogMsgs accepted through `WriteMessages`. */
  written: number;
  /** LogMsgs refused through `WriteMessages` (they did not decode). */
  refused: number;
}

/**
 * Registers `rerun.sdk_comms.v1alpha1.MessageProxyService` (ReadMessages + WriteMessages) on a Connect
 * router; Connect then serves it as gRPC (h2c), gRPC-web (HTTP/1.1 and h2) and Connect.
 */
export function registerMessageProxy(router: ConnectRouter, hub: Hub, stats: ServiceStats): void {
  router.service(MessageProxyService, {
    async *readMessages(_request, context: HandlerContext): AsyncGenerator<ReadMessagesResponse> {
      const subscriber = hub.subscribe();
      try {
        for await (const message of subscriber.messages(context.signal))
          yield create(ReadMessagesResponseSchema, { logMsg: message.logMsg });
      } finally {
        hub.unsubscribe(subscriber);
      }
    },
    async writeMessages(requests: AsyncIterable<WriteMessagesRequest>) {
      for await (const request of requests) {
        if (request.logMsg === undefined) continue;
        try {
          hub.publishLogMsg(request.logMsg);
          stats.written++;
        } catch (error) {
          stats.refused++;
          if (isCamstreamError(error)) throw new ConnectError(error.message, Code.InvalidArgument);
          throw error;
        }
      }
      return create(WriteMessagesResponseSchema, {});
    },
  });
}
