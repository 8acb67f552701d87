import * as z from 'zod';
import { ManifestPartSchema } from './bucket-copy.js';
import { ObjectsRestoreRequestSchema } from '../restore/restore-request.js';

/**
 * The payloads of the objects restore workflow (statemachines/restore-objects.asl.json). The
 * execution input is the API's (docs/adr/0012-restore-api.md): `{ restoreId, request,
 * recoveryPoint, region }`; BeginObjectsRestore adds the turn state, which every RestoreObjects
 * turn returns advanced (the manifest position, the tallies) until `phase` is `done`.
 */

/** The bucket copy point as the API resolved it from the catalog (extra fields kept). */
export const BucketCopyPointSchema = z.looseObject({
  id: z.string().min(1),
  kind: z.string(),
  sourceId: z.string(),
  region: z.string().min(1),
  state: z.string().optional(),
  manifest: z
    .object({
      bucket: z.string().min(1),
      indexKey: z.string().min(1),
      parts: z.array(ManifestPartSchema),
      partCount: z.int().optional(),
      keyPrefix: z.string(),
      objects: z.number(),
      bytes: z.number(),
      copied: z.number().optional(),
      failed: z.number().optional(),
    })
    .optional(),
});
export type BucketCopyPoint = z.infer<typeof BucketCopyPointSchema>;

export const ObjectsRestoreInputSchema = z.looseObject({
  restoreId: z.string().min(1),
  request: ObjectsRestoreRequestSchema,
  recoveryPoint: BucketCopyPointSchema,
  /** The target bucket's region (the request's `target.region`, else the primary region). */
  region: z.string().min(1),
});
export type ObjectsRestoreInput = z.infer<typeof ObjectsRestoreInputSchema>;

/** At most this many keys of each kind of trouble are named in the state and the record. */
export const NAMED_KEYS = 10;

const TallySchema = z.object({
  /** Selected objects settled (copied, left, or failed) and their bytes as the manifest has them. */
  done: z.int(),
  bytesDone: z.number(),
  copied: z.int(),
  bytesCopied: z.number(),
  /** Left because the target holds the key (skip), or holds the same content (overwrite-if-different). */
  leftExisting: z.int(),
  leftIdentical: z.int(),
  /** overwrite-if-different could not tell: left as they are (fail closed). */
  undetermined: z.int(),
  /** existingObjects `fail`: selected keys the target already holds. */
  conflicts: z.int(),
  failed: z.int(),
});
export type ObjectsRestoreTally = z.infer<typeof TallySchema>;

export function emptyTally(): ObjectsRestoreTally {
  return {
    done: 0,
    bytesDone: 0,
    copied: 0,
    bytesCopied: 0,
    leftExisting: 0,
    leftIdentical: 0,
    undetermined: 0,
    conflicts: 0,
    failed: 0,
  };
}

export const ObjectsRestorePhaseSchema = z.enum(['survey', 'copy', 'done']);
export type ObjectsRestorePhase = z.infer<typeof ObjectsRestorePhaseSchema>;

export const ObjectsRestoreStateSchema = ObjectsRestoreInputSchema.extend({
  /** survey: count the selection (and, for `fail`, look for existing keys); copy; done. */
  phase: ObjectsRestorePhaseSchema,
  /** The last source key this phase settled: the next turn reads the manifest after it. */
  startAfter: z.string().optional(),
  turns: z.int(),
  /** The selection's size, known once the survey is through. */
  selected: z.object({ objects: z.int(), bytes: z.number() }),
  tally: TallySchema,
  named: z.object({
    conflicts: z.array(z.string()),
    undetermined: z.array(z.object({ key: z.string(), why: z.string() })),
    failures: z.array(z.object({ key: z.string(), name: z.string(), message: z.string() })),
  }),
});
export type ObjectsRestoreState = z.infer<typeof ObjectsRestoreStateSchema>;

/** The Catch's input: the state as it was when the failure struck, with the error. */
export const ObjectsRestoreFailureEventSchema = z.looseObject({
  restoreId: z.string().min(1),
  region: z.string().min(1),
  error: z.looseObject({ Error: z.string(), Cause: z.string().optional() }),
});
export type ObjectsRestoreFailureEvent = z.infer<typeof ObjectsRestoreFailureEventSchema>;
