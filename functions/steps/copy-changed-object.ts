import type {
  ManifestEntry,
  CopyDecision,
  KeepDecision,
  ObjectEntry,
} from '../core/object-sync.js';
import type { RunContext, RunFailure } from '../core/run-state/backup-run.js';
import type { BucketCopyItem } from '../core/run-state/discovery.js';
import { ChecksumMismatchError, ObjectVanishedError } from '../ports/errors/object-errors.js';
import type {
  CopyResult,
  ObjectChecksum,
  ObjectFacts,
  ObjectStore,
} from '../ports/object-store.js';
import { toFailure } from './work-outcomes.js';

const mebibyte = 1024 * 1024;

/** What became of one key of a sync turn (functions/steps/sync-bucket.ts): its manifest line, if any. */
export type SyncOutcome =
  | {
      kind: 'line';
      entry: ManifestEntry;
      copiedBytes: number;
      verified?: boolean;
      requests: number;
    }
  | { kind: 'kept'; entry: ManifestEntry }
  | { kind: 'vanished'; requests: number }
  | { kind: 'deleted' }
  | { kind: 'failed'; failure: RunFailure; keep?: ManifestEntry; requests: number };

/** Where a bucket's objects are copied from and to, and how. */
export interface ObjectCopyContext {
  source: ObjectStore;
  backup: ObjectStore;
  item: BucketCopyItem;
  /** The copies' key prefix in the backup bucket (`copyPrefix` of functions/steps/sync-bucket.ts). */
  prefix: string;
  options: RunContext['buckets'];
  runId: string;
}

/**
 * Copies one new or changed object server-side, exactly the version it describes, and verifies the
 * copy's checksum against the source's (one retry on a mismatch). A failure keeps the previous copy
 * in the manifest; an object deleted since the listing is not a failure.
 */
export async function copyChangedObject(
  decision: CopyDecision,
  context: ObjectCopyContext,
): Promise<SyncOutcome> {
  const { source: listed } = decision;
  const counted = { requests: 0 };
  try {
    const facts = await context.source.describeObject(context.item.bucket, listed.key);
    counted.requests += 1;
    if (!facts) return { kind: 'vanished', requests: counted.requests };
    // Only a whole-object checksum compares across part layouts (functions/ports/object-store.ts).
    const sourceChecksum = facts.checksum?.type === 'FULL_OBJECT' ? facts.checksum : undefined;
    const { copied, comparable } = await verifiedCopy(
      listed.key,
      facts,
      sourceChecksum,
      context,
      counted,
    );
    return {
      kind: 'line',
      entry: copiedEntry(listed, facts, copied, comparable, context.runId),
      copiedBytes: facts.size,
      verified: comparable,
      requests: counted.requests,
    };
  } catch (error) {
    if (error instanceof ObjectVanishedError)
      return { kind: 'vanished', requests: counted.requests };
    const previousEntry = 'previous' in decision ? decision.previous : undefined;
    return copyFailure(listed.key, error, previousEntry, context.item, counted.requests);
  }
}

/** The manifest line of a key whose earlier copy still stands. */
export function keptOutcome(decision: KeepDecision): SyncOutcome {
  return {
    kind: 'kept',
    entry: {
      key: decision.key,
      size: decision.source.size,
      sourceEtag: decision.source.etag,
      sourceLastModified: decision.source.lastModified,
      ...(decision.previous?.versionId ? { versionId: decision.previous.versionId } : {}),
      ...(decision.previous?.checksum ? { checksum: decision.previous.checksum } : {}),
      copiedInRun: decision.previous?.copiedInRun ?? 'before-manifests',
    },
  };
}

/** The copy, made again once when its checksum differs from the source's; counts its requests. */
async function verifiedCopy(
  key: string,
  facts: ObjectFacts,
  sourceChecksum: ObjectChecksum | undefined,
  context: ObjectCopyContext,
  counted: { requests: number },
): Promise<{ copied: CopyResult; comparable: boolean }> {
  const { item, options } = context;
  for (let attempt = 1; ; attempt += 1) {
    const copied = await context.backup.copyObject({
      source: { bucket: item.bucket, key, etag: facts.etag, size: facts.size },
      target: { bucket: item.backupBucket, key: context.prefix + key },
      storageClass: options.storageClass,
      ...(sourceChecksum ? { checksumAlgorithm: sourceChecksum.algorithm } : {}),
      multipartThresholdBytes: options.multipartThresholdMiB * mebibyte,
      partSizeBytes: options.partSizeMiB * mebibyte,
    });
    counted.requests += copied.requests;
    const comparable =
      sourceChecksum &&
      copied.checksum?.type === 'FULL_OBJECT' &&
      copied.checksum.algorithm === sourceChecksum.algorithm;
    if (comparable && copied.checksum?.value !== sourceChecksum.value) {
      if (attempt < 2) continue;
      throw new ChecksumMismatchError(
        `copy of s3://${item.bucket}/${key} has ${sourceChecksum.algorithm} ${copied.checksum?.value}, the source has ${sourceChecksum.value}`,
      );
    }
    return { copied, comparable: Boolean(comparable) };
  }
}

function copiedEntry(
  listed: ObjectEntry,
  facts: ObjectFacts,
  copied: CopyResult,
  comparable: boolean,
  runId: string,
): ManifestEntry {
  return {
    key: listed.key,
    size: facts.size,
    sourceEtag: facts.etag,
    sourceLastModified: listed.lastModified,
    ...(copied.versionId ? { versionId: copied.versionId } : {}),
    ...(comparable && copied.checksum
      ? { checksum: { algorithm: copied.checksum.algorithm, value: copied.checksum.value } }
      : {}),
    copiedInRun: runId,
  };
}

function copyFailure(
  key: string,
  error: unknown,
  previousEntry: ManifestEntry | undefined,
  item: BucketCopyItem,
  requests: number,
): SyncOutcome {
  const failure = toFailure(error);
  return {
    kind: 'failed',
    failure: {
      sourceId: item.bucket,
      stage: 'bucket-copy',
      region: item.region,
      name: failure.name,
      message: `${key}: ${failure.message}`,
    },
    // The older copy is still a good backup of this key: keep it in the manifest.
    ...(previousEntry ? { keep: previousEntry } : {}),
    requests,
  };
}
