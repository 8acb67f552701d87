import pLimit from 'p-limit';
import {
  emptySyncTotals,
  manifestPayloadLimits,
  manifestPrefix,
  type BucketCopyInput,
  type BucketCopyState,
  type BucketCopyStepEvent,
  type ManifestPart,
} from '../core/run-state/bucket-copy.js';
import { planObjectSync, type ObjectEntry, type SyncDecision } from '../core/object-sync.js';
import { isRetryableAwsError } from '../ports/errors/aws-request-errors.js';
import type { ListedObject, ObjectStore } from '../ports/object-store.js';
import {
  copyChangedObject,
  keptOutcome,
  type ObjectCopyContext,
  type SyncOutcome,
} from './copy-changed-object.js';
import { writePartList } from './manifest-index.js';
import {
  through,
  openManifestPart,
  readManifestParts,
  type ManifestPartWriter,
} from './manifest-stream.js';
import { previousPartsOf } from './previous-manifest-parts.js';
import { SyncTurnTally } from './sync-turn-tally.js';
import { toFailure } from './work-outcomes.js';

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
  let previousParts: ManifestPart[];
  try {
    previousParts = await previousPartsOf(deps.backup, state.item.backupBucket, state);
  } catch (error) {
    if (isRetryableAwsError(error)) throw error;
    // Without the previous manifest nothing can be compared: the range stops, reported.
    return { ...state, turns: state.turns + 1, done: true, rangeError: toFailure(error) };
  }
  const decisions = syncDecisions(state, previousParts, deps);
  const partKey = turnPartKey(state);
  const writer = openManifestPart(deps.backup, state.item.backupBucket, partKey);
  const tally = new SyncTurnTally(state, writer);
  const progress: { lastKey?: string } = { lastKey: state.startAfter };
  let done: boolean;
  let rangeError: { name: string; message: string } | undefined;
  try {
    done = await settleInChunks(decisions, state, deps, tally, writer, progress);
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
  return {
    ...state,
    ...(progress.lastKey !== undefined ? { startAfter: progress.lastKey } : {}),
    turns: state.turns + 1,
    done,
    ...(await withTurnPart(state, partKey, writer, done, deps)),
    totals: tally.totals,
    failures: tally.failures,
    ...(rangeError ? { rangeError } : {}),
  };
}

/** The range's decisions from where the last turn stopped: the three listings merge-joined. */
function syncDecisions(
  state: BucketCopyState,
  previousParts: ManifestPart[],
  deps: SyncBucketDeps,
): AsyncIterable<SyncDecision> {
  const { item, range } = state;
  const prefix = copyPrefix(item.bucket);
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
  const previous = readManifestParts(
    deps.backup,
    item.backupBucket,
    previousParts,
    state.startAfter,
    range.endAt,
  );
  return planObjectSync(source, destination, previous, previousParts.length > 0);
}

/**
 * Keyed by the execution's start too: a re-run with the same run id reads the earlier parts
 * (its "previous" manifest) while writing its own, never over them.
 */
function turnPartKey({ run, item, range, turns }: BucketCopyState): string {
  const attempt = run.startedAt.replace(/[^0-9]/g, '');
  return `${manifestPrefix(item.bucket, run.runId)}part-${attempt}-${String(range.index).padStart(4, '0')}-${String(turns + 1).padStart(5, '0')}.jsonl.gz`;
}

/**
 * Settles the decisions a chunk at a time (copies a bounded number at once) until the range ends
 * (true) or the turn does (false); `progress.lastKey` follows the last settled chunk.
 */
async function settleInChunks(
  decisions: AsyncIterable<SyncDecision>,
  state: BucketCopyState,
  deps: SyncBucketDeps,
  tally: SyncTurnTally,
  writer: ManifestPartWriter,
  progress: { lastKey?: string },
): Promise<boolean> {
  const options = state.run.buckets;
  const outcomeOf = outcomesOf(state, deps);
  const settle = async (chunk: SyncDecision[]) => {
    await tally.settle(await Promise.all(chunk.map(outcomeOf)));
    progress.lastKey = chunk[chunk.length - 1]?.key;
  };
  const chunkSize = options.concurrency * 4;
  let chunk: SyncDecision[] = [];
  // A chunk is also cut by bytes, so a run of large objects cannot outlast the time check.
  const chunkBytes = options.concurrency * 256 * mebibyte;
  let bytesInChunk = 0;
  for await (const decision of decisions) {
    chunk.push(decision);
    if (decision.kind === 'copy') bytesInChunk += decision.source.size;
    if (chunk.length < chunkSize && bytesInChunk < chunkBytes) continue;
    bytesInChunk = 0;
    await settle(chunk);
    chunk = [];
    // A turn ends near the Lambda's timeout, or when its part is full (parts are where later
    // runs split the bucket across Map children).
    if (!deps.hasTime() || writer.lines >= options.objectsPerPart) return false;
  }
  if (chunk.length > 0) await settle(chunk);
  return true;
}

/** Each decision's outcome: copies go a bounded number at a time, the rest settle at once. */
function outcomesOf(
  state: BucketCopyState,
  deps: SyncBucketDeps,
): (decision: SyncDecision) => Promise<SyncOutcome> {
  const limit = pLimit(state.run.buckets.concurrency);
  const context: ObjectCopyContext = {
    source: deps.source,
    backup: deps.backup,
    item: state.item,
    prefix: copyPrefix(state.item.bucket),
    options: state.run.buckets,
    runId: state.run.runId,
  };
  return (decision) => {
    if (decision.kind === 'deleted-at-source') return Promise.resolve({ kind: 'deleted' });
    if (decision.kind === 'keep') return Promise.resolve(keptOutcome(decision));
    return limit(() => copyChangedObject(decision, context));
  };
}

/** The range's parts with this turn's; past the payload limits they go to a list object. */
async function withTurnPart(
  state: BucketCopyState,
  partKey: string,
  writer: ManifestPartWriter,
  done: boolean,
  deps: SyncBucketDeps,
): Promise<Pick<BucketCopyState, 'parts' | 'partLists'>> {
  const parts = [
    ...state.parts,
    {
      key: partKey,
      lines: writer.lines,
      ...(writer.firstKey !== undefined ? { firstKey: writer.firstKey } : {}),
      ...(writer.lastKey !== undefined ? { lastKey: writer.lastKey } : {}),
    },
  ];
  if (
    parts.length < (deps.spillPartsAt ?? manifestPayloadLimits.spillPartsAt) &&
    !(done && parts.length > manifestPayloadLimits.resultParts)
  ) {
    return { parts, partLists: state.partLists };
  }
  // Keep the state small however many turns the range takes: the parts go to a list object.
  const listKey = partKey.replace(/\/part-([^/]*)\.jsonl\.gz$/, '/parts-$1.json');
  await writePartList(deps.backup, state.item.backupBucket, listKey, parts);
  return { parts: [], partLists: [...state.partLists, listKey] };
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
