import pLimit from 'p-limit';
import {
  emptySyncTotals,
  manifestPayloadLimits,
  manifestPrefix,
  type BucketCopyInput,
  type BucketCopyState,
  type BucketCopyStepEvent,
  type SyncTotals,
} from '../core/run-state/bucket-copy.js';
import { partsWithin } from '../core/bucket-key-ranges.js';
import {
  planObjectSync,
  type ManifestEntry,
  type ObjectEntry,
  type SyncDecision,
} from '../core/object-sync.js';
import type { RunFailure } from '../core/run-state/backup-run.js';
import { ChecksumMismatchError, ObjectVanishedError } from '../ports/errors/object-errors.js';
import { isRetryableAwsError } from '../ports/errors/aws-request-errors.js';
import type { ListedObject, ObjectStore } from '../ports/object-store.js';
import { readManifestIndex, writePartList } from './manifest-index.js';
import { through, openManifestPart, readManifestParts } from './manifest-stream.js';
import { toFailure } from './work-outcomes.js';

/** Per-object failures listed in the state (all are counted). */
const listedFailuresLimit = 50;
const mebibyte = 1024 * 1024;

export interface SyncBucketDeps {
  /** The source bucket's region (the primary region). */
  source: ObjectStore;
  /** The backup bucket's region: copies are requested there, server-side. */
  backup: ObjectStore;
  /** Stops taking new keys when false (the Lambda is near its timeout); the next turn resumes. */
  hasTime: () => boolean;
  /** Spill the range's parts to a list object at this many (default manifestPayloadLimits). */
  spillPartsAt?: number;
}

/** Copies of a source bucket live under its name in the backup bucket. */
export function copyPrefix(sourceBucket: string): string {
  return `${sourceBucket}/`;
}

type Outcome =
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

/**
 * One turn of a bucket copy, safe to resume: merge-joins the source listing, the backup copies'
 * listing and the previous run's manifest (no read of an unchanged object), copies new and changed
 * objects server-side a bounded number at a time, verifies each copy's checksum against the
 * source's, and writes this turn's manifest part in key order. Deletes are never propagated.
 */
export async function syncBucket(
  event: BucketCopyStepEvent,
  deps: SyncBucketDeps,
): Promise<BucketCopyState> {
  const state = 'turns' in event ? event : initialState(event);
  const { run, item, range } = state;
  const prefix = copyPrefix(item.bucket);
  const options = run.buckets;
  const limit = pLimit(options.concurrency);

  const source = through(
    listedEntries(deps.source.listObjects(item.bucket, '', state.startAfter)),
    range.endAt,
  );
  const destination = through(
    withoutPrefix(
      listedEntries(
        deps.backup.listObjects(
          item.backupBucket,
          prefix,
          state.startAfter ? prefix + state.startAfter : undefined,
        ),
      ),
      prefix,
    ),
    range.endAt,
  );
  // A large previous manifest comes by reference: this range reads the parts it needs.
  let previousParts = state.previousParts;
  if (state.previousIndexKey !== '' && previousParts.length === 0) {
    try {
      previousParts = partsWithin(
        (await readManifestIndex(deps.backup, item.backupBucket, state.previousIndexKey)).parts,
        range,
      );
    } catch (error) {
      if (isRetryableAwsError(error)) throw error;
      // Without the previous manifest nothing can be compared: the range stops, reported.
      return { ...state, turns: state.turns + 1, done: true, rangeError: toFailure(error) };
    }
  }
  const previous = readManifestParts(
    deps.backup,
    item.backupBucket,
    previousParts,
    state.startAfter,
    range.endAt,
  );

  // Keyed by the execution's start too: a re-run with the same run id reads the earlier parts
  // (its "previous" manifest) while writing its own, never over them.
  const attempt = run.startedAt.replace(/[^0-9]/g, '');
  const partKey = `${manifestPrefix(item.bucket, run.runId)}part-${attempt}-${String(range.index).padStart(4, '0')}-${String(state.turns + 1).padStart(5, '0')}.jsonl.gz`;
  const writer = openManifestPart(deps.backup, item.backupBucket, partKey);
  const totals: SyncTotals = { ...state.totals };
  const failures = [...state.failures];
  let lastKey = state.startAfter;
  let done = true;
  let rangeError: { name: string; message: string } | undefined;

  const copyOne = async (decision: Extract<SyncDecision, { kind: 'copy' }>): Promise<Outcome> => {
    const { source: listed } = decision;
    const previousEntry = 'previous' in decision ? decision.previous : undefined;
    let requests = 0;
    try {
      const facts = await deps.source.describeObject(item.bucket, listed.key);
      requests += 1;
      if (!facts) return { kind: 'vanished', requests };
      const sourceChecksum = facts.checksum?.type === 'FULL_OBJECT' ? facts.checksum : undefined;
      for (let attempt = 1; ; attempt += 1) {
        const copied = await deps.backup.copyObject({
          source: { bucket: item.bucket, key: listed.key, etag: facts.etag, size: facts.size },
          target: { bucket: item.backupBucket, key: prefix + listed.key },
          storageClass: options.storageClass,
          ...(sourceChecksum ? { checksumAlgorithm: sourceChecksum.algorithm } : {}),
          multipartThresholdBytes: options.multipartThresholdMiB * mebibyte,
          partSizeBytes: options.partSizeMiB * mebibyte,
        });
        requests += copied.requests;
        const comparable =
          sourceChecksum &&
          copied.checksum?.type === 'FULL_OBJECT' &&
          copied.checksum.algorithm === sourceChecksum.algorithm;
        if (comparable && copied.checksum?.value !== sourceChecksum.value) {
          if (attempt < 2) continue;
          throw new ChecksumMismatchError(
            `copy of s3://${item.bucket}/${listed.key} has ${sourceChecksum.algorithm} ${copied.checksum?.value}, the source has ${sourceChecksum.value}`,
          );
        }
        return {
          kind: 'line',
          entry: {
            key: listed.key,
            size: facts.size,
            sourceEtag: facts.etag,
            sourceLastModified: listed.lastModified,
            ...(copied.versionId ? { versionId: copied.versionId } : {}),
            ...(comparable && copied.checksum
              ? { checksum: { algorithm: copied.checksum.algorithm, value: copied.checksum.value } }
              : {}),
            copiedInRun: run.runId,
          },
          copiedBytes: facts.size,
          verified: Boolean(comparable),
          requests,
        };
      }
    } catch (error) {
      if (error instanceof ObjectVanishedError) return { kind: 'vanished', requests };
      const failure = toFailure(error);
      return {
        kind: 'failed',
        failure: {
          sourceId: item.bucket,
          stage: 'bucket-copy',
          region: item.region,
          name: failure.name,
          message: `${listed.key}: ${failure.message}`,
        },
        // The older copy is still a good backup of this key: keep it in the manifest.
        ...(previousEntry ? { keep: previousEntry } : {}),
        requests,
      };
    }
  };

  const decide = (decision: SyncDecision): Promise<Outcome> => {
    if (decision.kind === 'deleted-at-source') return Promise.resolve({ kind: 'deleted' });
    if (decision.kind === 'keep') {
      return Promise.resolve({
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
      });
    }
    return limit(() => copyOne(decision));
  };

  const settle = async (chunk: SyncDecision[]) => {
    const outcomes = await Promise.all(chunk.map(decide));
    for (const outcome of outcomes) {
      if (outcome.kind !== 'deleted') totals.objects += outcome.kind === 'vanished' ? 0 : 1;
      switch (outcome.kind) {
        case 'line':
          await writer.write(outcome.entry);
          totals.copied += 1;
          totals.bytesCopied += outcome.copiedBytes;
          totals.requests += outcome.requests;
          if (outcome.verified) totals.verified += 1;
          else totals.unverified += 1;
          break;
        case 'kept':
          await writer.write(outcome.entry);
          totals.kept += 1;
          break;
        case 'vanished':
          totals.vanished += 1;
          totals.requests += outcome.requests;
          break;
        case 'deleted':
          totals.deletedAtSource += 1;
          break;
        case 'failed':
          totals.failed += 1;
          totals.requests += outcome.requests;
          if (failures.length < listedFailuresLimit) failures.push(outcome.failure);
          if (outcome.keep) await writer.write(outcome.keep);
          break;
      }
    }
  };

  try {
    const chunkSize = options.concurrency * 4;
    let chunk: SyncDecision[] = [];
    // A chunk is also cut by bytes, so a run of large objects cannot outlast the time check.
    const chunkBytes = options.concurrency * 256 * mebibyte;
    let bytesInChunk = 0;
    for await (const decision of planObjectSync(
      source,
      destination,
      previous,
      previousParts.length > 0,
    )) {
      chunk.push(decision);
      if (decision.kind === 'copy') bytesInChunk += decision.source.size;
      if (chunk.length < chunkSize && bytesInChunk < chunkBytes) continue;
      bytesInChunk = 0;
      await settle(chunk);
      lastKey = chunk[chunk.length - 1]?.key;
      chunk = [];
      // A turn ends near the Lambda's timeout, or when its part is full (parts are where later
      // runs split the bucket across Map children).
      if (!deps.hasTime() || writer.lines >= options.objectsPerPart) {
        done = false;
        break;
      }
    }
    if (chunk.length > 0) {
      await settle(chunk);
      lastKey = chunk[chunk.length - 1]?.key;
    }
  } catch (error) {
    // Throttling and transient faults are the workflow's to retry (the turn is repeatable).
    if (isRetryableAwsError(error)) throw error;
    // Anything else ends the range here, keeping what this run copied so far: the record step
    // lets the previous run's copies stand in for the rest.
    rangeError = toFailure(error);
    done = true;
  } finally {
    await writer.close();
  }

  let parts = [
    ...state.parts,
    {
      key: partKey,
      lines: writer.lines,
      ...(writer.firstKey !== undefined ? { firstKey: writer.firstKey } : {}),
      ...(writer.lastKey !== undefined ? { lastKey: writer.lastKey } : {}),
    },
  ];
  let partLists = state.partLists;
  if (
    parts.length >= (deps.spillPartsAt ?? manifestPayloadLimits.spillPartsAt) ||
    (done && parts.length > manifestPayloadLimits.resultParts)
  ) {
    // Keep the state small however many turns the range takes: the parts go to a list object.
    const listKey = partKey.replace(/\/part-([^/]*)\.jsonl\.gz$/, '/parts-$1.json');
    await writePartList(deps.backup, item.backupBucket, listKey, parts);
    partLists = [...partLists, listKey];
    parts = [];
  }
  return {
    ...state,
    ...(lastKey !== undefined ? { startAfter: lastKey } : {}),
    turns: state.turns + 1,
    done,
    parts,
    partLists,
    totals,
    failures,
    ...(rangeError ? { rangeError } : {}),
  };
}

/** A range's first turn: nothing written yet; the planner chose the previous parts to read. */
function initialState(event: BucketCopyInput): BucketCopyState {
  return {
    ...event,
    ...(event.range.startAfter !== undefined ? { startAfter: event.range.startAfter } : {}),
    turns: 0,
    done: false,
    parts: [],
    partLists: [],
    totals: emptySyncTotals(),
    failures: [],
  };
}

async function* listedEntries(pages: AsyncIterable<ListedObject[]>): AsyncIterable<ObjectEntry> {
  for await (const page of pages) yield* page;
}

async function* withoutPrefix(
  entries: AsyncIterable<ObjectEntry>,
  prefix: string,
): AsyncIterable<ObjectEntry> {
  for await (const entry of entries) yield { ...entry, key: entry.key.slice(prefix.length) };
}
