/**
 * Component descriptors and the Arrow element types camstream writes. Names and types are Rerun 0.33's
 * (`crates/store/re_sdk_types/definitions/rerun/`), compared exactly by the viewer.
 */

/**
 * The inner Arrow type of a component column (`List<item: T>`): `UInt32`, `Float32`, `Float64`, `Boolean`,
 * Rerun's Blob (`List<item: UInt8 not null>`) or `Utf8` (one UTF-8 string per instance).
 */
export type ElementType = 'u32' | 'f32' | 'f64' | 'bool' | 'blob' | 'utf8';

/** Which component a column holds, as the viewer queries it. */
export interface ComponentDescriptor {
  /** e.g. `rerun.archetypes.VideoStream`. */
  readonly archetype: string;
  /** e.g. `VideoStream:sample`: the key the viewer queries by, and the column name. */
  readonly component: string;
  /** e.g. `rerun.components.VideoSample`. */
  readonly componentType: string;
  /** Arrow element type of one instance. */
  readonly element: ElementType;
}

/** Instances of one component for one row. */
export type ComponentValues =
  | { readonly element: 'u32' | 'f32' | 'f64'; readonly values: ArrayLike<number> }
  | { readonly element: 'bool'; readonly values: ArrayLike<boolean> }
  | { readonly element: 'blob'; readonly values: readonly Uint8Array[] }
  /** Strings are written as UTF-8; a lone surrogate becomes U+FFFD, as with `TextEncoder`. */
  | { readonly element: 'utf8'; readonly values: readonly string[] };

/** A descriptor with the values to log for one row. */
export interface ComponentBatch {
  readonly descriptor: ComponentDescriptor;
  readonly data: ComponentValues;
}

/** Something `RecordingStream.log` accepts: an archetype's name and its component batches. */
export interface AsComponents {
  readonly archetype: string;
  readonly batches: readonly ComponentBatch[];
}
