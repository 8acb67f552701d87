import type { ManifestEntry } from '../../core/object-sync.js';
import type { BucketCopyManifestRef } from '../../core/recovery-point.js';
import {
  decideObject,
  targetKeyOf,
  type ExistingObjectsMode,
} from '../../core/restore/objects-restore-plan.js';
import type { ObjectOutcome } from '../../core/restore/objects-restore-tally.js';
import type { ObjectsRestoreRequest } from '../../core/restore/restore-request.js';
import { isRetryableAwsError } from '../../ports/errors/aws-request-errors.js';
import { TargetObjectChangedError } from '../../ports/errors/object-errors.js';
import type { ObjectStore } from '../../ports/object-store.js';
import { toFailure } from '../work-outcomes.js';
import { backupCopyOf } from './objects-manifest-selection.js';

export interface OneObjectRestore {
  request: ObjectsRestoreRequest;
  manifest: BucketCopyManifestRef;
  /** S3 in the target's region: the HEAD and the server-side copy (from the backup bucket) go there. */
  target: ObjectStore;
}

/**
 * Restores one manifest entry: HEADs the target key, decides (objects-restore-plan.ts), and
 * copies server-side from the backup bucket only on condition that the target is still as it was
 * seen: absent (If-None-Match: *), or the very object compared (If-Match). A target written
 * between the HEAD and the copy is therefore never overwritten (where S3 honours the condition;
 * the test cloud adds it to moto). Throttling and transient errors are thrown (the turn repeats);
 * anything else fails this object only.
 *
 * The copy keeps the object's own metadata and tags as backed up (MetadataDirective and
 * TaggingDirective COPY) and does NOT add `backup:restore-id`/`backup:restored-from`: CopyObject
 * either copies the tags or replaces them, so adding two would take a GetObjectTagging per object
 * (one more request each) and would fail outright for an object that already has 9 or 10 tags
 * (S3's limit is 10). The restore is recorded instead as one `objects` resource with its count.
 */
export async function restoreOneObject(
  entry: ManifestEntry,
  { request, manifest, target }: OneObjectRestore,
): Promise<ObjectOutcome> {
  const mode: ExistingObjectsMode = request.existingObjects ?? 'skip';
  const targetKey = targetKeyOf(request, entry.key);
  try {
    const held = await target.describeObject(request.target.bucket, targetKey);
    const decision = decideObject(mode, entry, held);
    if (decision.action === 'leave')
      return { kind: decision.reason === 'exists' ? 'left-existing' : 'left-identical' };
    if (decision.action === 'undetermined') return { kind: 'undetermined', why: decision.why };
    if (decision.action === 'conflict') return { kind: 'conflict', targetKey };
    try {
      await target.copyVersion({
        source: backupCopyOf(manifest, entry),
        target: { bucket: request.target.bucket, key: targetKey },
        ifTarget: decision.ifTargetEtag ? { etag: decision.ifTargetEtag } : { absent: true },
      });
    } catch (error) {
      if (!(error instanceof TargetObjectChangedError)) throw error;
      return changedMeanwhile(mode, targetKey);
    }
    return { kind: 'copied' };
  } catch (error) {
    if (isRetryableAwsError(error)) throw error;
    return { kind: 'failed', ...toFailure(error) };
  }
}

/** The target key was written after it was checked: what that means in each mode. */
function changedMeanwhile(mode: ExistingObjectsMode, targetKey: string): ObjectOutcome {
  if (mode === 'skip') return { kind: 'left-existing' };
  if (mode === 'fail') return { kind: 'conflict', targetKey };
  return { kind: 'undetermined', why: 'the target object was written again while it was compared' };
}
