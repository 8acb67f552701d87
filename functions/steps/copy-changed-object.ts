import type {
  ManifestEntry,
  CopyDecision,
  KeepDecision,
  ObjectEntry,
} from '../core/object-sync.js';
import type { RunContext, RunFailure } from '../core/run-state/backup-run.js';
import type { BucketCopyItem } from '../core/run-state/discovery.js';
import {
  ChecksumMismatchError,
  ObjectChangedDuringCopyError,
  ObjectVanishedError,
} from '../ports/errors/object-errors.js';
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
 * copy's checksum against the source's (one retry on a mismatch). The source's checksum comes from
 * one HeadObject, or from the previous manifest when that already holds it for the listed version
 * (`knownChecksum`): then the copy is the only request. A failure keeps the previous copy in the
 * manifest; an object deleted since the listing is not a failure.
 */
export async function copyChangedObject(
  decision: CopyDecision,
  context: ObjectCopyContext,
): Promise<SyncOutcome> {
  const { source: listed } = decision;
  const counted = { requests: 0 };
  try {
    const known = knownChecksum(decision, context.options);
    const first = known ? await copyKnownVersion(listed, known, context, counted) : undefined;
    if (first?.outcome) return first.outcome;
    return await copyDescribedVersion(listed, context, counted, first?.mismatched ? 1 : 2);
  } catch (error) {
    if (error instanceof ObjectVanishedError)
      return { kind: 'vanished', requests: counted.requests };
    const previousEntry = 'previous' in decision ? decision.previous : undefined;
    return copyFailure(listed.key, error, previousEntry, context.item, counted.requests);
  }
}

/**
 * The source's checksum as the previous manifest recorded it, when that is the checksum of the
 * listed version: the previous run copied the same version (same ETag and size; an ETag changes
 * with the content, ADR 0006) and verified its copy against the source's checksum, and the
 * source still lists that algorithm. A multipart copy HEADs the source for its type and
 * metadata anyway, so only single-part copies use it.
 */
function knownChecksum(
  decision: CopyDecision,
  options: RunContext['buckets'],
): ObjectChecksum | undefined {
  const previous = 'previous' in decision ? decision.previous : undefined;
  const { source } = decision;
  if (!previous?.checksum || source.size > options.multipartThresholdMiB * mebibyte)
    return undefined;
  const sameVersion = previous.size === source.size && sameEtag(previous.sourceEtag, source.etag);
  if (!sameVersion || source.checksumAlgorithm !== previous.checksum.algorithm) return undefined;
  return { ...previous.checksum, type: 'FULL_OBJECT' };
}

/**
 * The copy of the listed version checked against the checksum the previous manifest knows. Its
 * line when they match (or, unverified, when the copy reports no checksum to compare: it would
 * not after a HEAD either, the copy asks for the same algorithm); nothing when the source changed
 * since the listing (the caller HEADs and copies what is there now, as for any object) or when
 * the checksums differ (the caller's HEAD then reads the source's afresh for the one retry).
 */
async function copyKnownVersion(
  listed: ObjectEntry,
  known: ObjectChecksum,
  context: ObjectCopyContext,
  counted: { requests: number },
): Promise<{ outcome?: SyncOutcome; mismatched?: boolean }> {
  const facts: ObjectFacts = { size: listed.size, etag: listed.etag, checksum: known };
  let copied: CopyResult;
  try {
    copied = await copyOnce(listed.key, { facts, sourceChecksum: known }, context, counted);
  } catch (error) {
    if (!(error instanceof ObjectChangedDuringCopyError)) throw error;
    counted.requests += 1; // the refused copy
    return {};
  }
  const comparable = comparableTo(known, copied);
  if (comparable && copied.checksum?.value !== known.value) return { mismatched: true };
  return { outcome: copiedLine(listed, facts, { copied, comparable }, context, counted) };
}

/** The copy of the version a HeadObject of the source describes, verified against its checksum. */
async function copyDescribedVersion(
  listed: ObjectEntry,
  context: ObjectCopyContext,
  counted: { requests: number },
  attempts: number,
): Promise<SyncOutcome> {
  const facts = await context.source.describeObject(context.item.bucket, listed.key);
  counted.requests += 1;
  if (!facts) return { kind: 'vanished', requests: counted.requests };
  // Only a whole-object checksum compares across part layouts (functions/ports/object-store.ts).
  const sourceChecksum = facts.checksum?.type === 'FULL_OBJECT' ? facts.checksum : undefined;
  const copy = await verifiedCopy(listed.key, facts, sourceChecksum, context, counted, attempts);
  return copiedLine(listed, facts, copy, context, counted);
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

/** The copy, made again (up to `attempts` in all) while its checksum differs from the source's. */
async function verifiedCopy(
  key: string,
  facts: ObjectFacts,
  sourceChecksum: ObjectChecksum | undefined,
  context: ObjectCopyContext,
  counted: { requests: number },
  attempts: number,
): Promise<{ copied: CopyResult; comparable: boolean }> {
  for (let attempt = 1; ; attempt += 1) {
    const copied = await copyOnce(key, { facts, sourceChecksum, head: true }, context, counted);
    const comparable = comparableTo(sourceChecksum, copied);
    if (comparable && copied.checksum?.value !== sourceChecksum?.value) {
      if (attempt < attempts) continue;
      throw new ChecksumMismatchError(
        `copy of s3://${context.item.bucket}/${key} has ${sourceChecksum?.algorithm} ${copied.checksum?.value}, the source has ${sourceChecksum?.value}`,
      );
    }
    return { copied, comparable };
  }
}

/**
 * One server-side copy of the version `facts` describe (CopySourceIfMatch its ETag), asking S3
 * for the checksum algorithm of `sourceChecksum`; when `facts` are the source's HEAD (`head`), a
 * multipart copy takes the source's type and metadata from them instead of asking again.
 * Counts its requests.
 */
async function copyOnce(
  key: string,
  version: { facts: ObjectFacts; sourceChecksum: ObjectChecksum | undefined; head?: boolean },
  context: ObjectCopyContext,
  counted: { requests: number },
): Promise<CopyResult> {
  const { item, options } = context;
  const { facts, sourceChecksum } = version;
  const copied = await context.backup.copyObject({
    source: { bucket: item.bucket, key, etag: facts.etag, size: facts.size },
    target: { bucket: item.backupBucket, key: context.prefix + key },
    storageClass: options.storageClass,
    ...(sourceChecksum ? { checksumAlgorithm: sourceChecksum.algorithm } : {}),
    ...(version.head ? { sourceFacts: facts } : {}),
    multipartThresholdBytes: options.multipartThresholdMiB * mebibyte,
    partSizeBytes: options.partSizeMiB * mebibyte,
  });
  counted.requests += copied.requests;
  return copied;
}

/** A whole-object checksum of the copy in the source checksum's algorithm. */
function comparableTo(sourceChecksum: ObjectChecksum | undefined, copied: CopyResult): boolean {
  return Boolean(
    sourceChecksum &&
    copied.checksum?.type === 'FULL_OBJECT' &&
    copied.checksum.algorithm === sourceChecksum.algorithm,
  );
}

function copiedLine(
  listed: ObjectEntry,
  facts: ObjectFacts,
  { copied, comparable }: { copied: CopyResult; comparable: boolean },
  context: ObjectCopyContext,
  counted: { requests: number },
): SyncOutcome {
  return {
    kind: 'line',
    entry: copiedEntry(listed, facts, copied, comparable, context.runId),
    copiedBytes: facts.size,
    verified: comparable,
    requests: counted.requests,
  };
}

/** ETags compare without their quotes (as functions/core/object-sync.ts compares them). */
function sameEtag(a: string, b: string): boolean {
  const unquote = (etag: string) => etag.replace(/^"(.*)"$/, '$1');
  return unquote(a) === unquote(b);
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
