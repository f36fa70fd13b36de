import { create } from '@bufbuild/protobuf';
import {
  type StoreId as StoreIdProto,
  StoreIdSchema,
  StoreKind,
} from './proto/gen/rerun/v1alpha1/common_pb.js';

/** Identifies a recording (or blueprint): Rerun keys stores by all three fields. */
export interface StoreId {
  readonly kind: 'recording' | 'blueprint';
  readonly applicationId: string;
  readonly recordingId: string;
}

/** The protobuf form of a {@link StoreId}. `application_id` is always set (Rerun drops messages without it). */
export function storeIdToProto(id: StoreId): StoreIdProto {
  return create(StoreIdSchema, {
    kind: id.kind === 'blueprint' ? StoreKind.BLUEPRINT : StoreKind.RECORDING,
    recordingId: id.recordingId,
    applicationId: { id: id.applicationId },
  });
}

/** The plain form of a protobuf StoreId. */
export function storeIdFromProto(id: StoreIdProto | undefined): StoreId | undefined {
  if (id === undefined) return undefined;
  return {
    kind: id.kind === StoreKind.BLUEPRINT ? 'blueprint' : 'recording',
    applicationId: id.applicationId?.id ?? '',
    recordingId: id.recordingId,
  };
}

/** A random recording id (UUID v4, as Rerun's SDKs make). */
export function newRecordingId(): string {
  return crypto.randomUUID();
}
