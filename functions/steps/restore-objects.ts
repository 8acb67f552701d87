import pLimit from 'p-limit';
import { InvalidInputError } from '../core/errors.js';
import type { ManifestEntry } from '../core/object-sync.js';
import type { BucketCopyManifestRef } from '../core/recovery-point.js';
import { objectSelection, targetKeyOf } from '../core/restore/objects-restore-plan.js';
import {
  countOutcome,
  progressOf,
  restoredObjectsResource,
} from '../core/restore/objects-restore-tally.js';
import { NAMED_KEYS, type ObjectsRestoreState } from '../core/run-state/objects-restore-run.js';
import type { ObjectStore } from '../ports/object-store.js';
import { selectedEntries } from './restore/objects-manifest-selection.js';
import { restoreOneObject } from './restore/restore-one-object.js';
import {
  recordCreated,
  recordProgress,
  type RestoreRecording,
} from './restore/restore-progress.js';

export interface RestoreObjectsDeps {
  /** S3 in the point's region: the backup bucket (manifest and copies). */
  backup: ObjectStore;
  /** S3 in the target bucket's region: HEADs and the server-side copies are asked there. */
  target: ObjectStore;
  /** Stops taking new objects when false (the Lambda is near its timeout); the next turn resumes. */
  hasTime: () => boolean;
  recording: RestoreRecording;
  /** Objects in flight at once. @default 16 */
  concurrency?: number;
}

/** Objects settled between two looks at the clock (and two moves of the resume position). */
const CHUNK = 64;

/**
 * One turn of an objects restore, safe to repeat: reads the manifest's selected entries after the
 * state's position, then either surveys them (counts the selection; with `existingObjects: fail`
 * HEADs each target key and stops at the first NAMED_KEYS found) or restores them a chunk at a
 * time (restore/restore-one-object.ts), and records the progress and what was written on the
 * restore record. A turn repeated after a throttling error counts the objects its first try copied
 * as existing (they are, now).
 */
export async function restoreObjects(
  state: ObjectsRestoreState,
  deps: RestoreObjectsDeps,
): Promise<ObjectsRestoreState> {
  const turn =
    state.phase === 'survey' ? await surveyTurn(state, deps) : await copyTurn(state, deps);
  const next = { ...turn, turns: state.turns + 1 };
  if (next.tally.copied > state.tally.copied)
    await recordCreated(state.restoreId, [restoredObjectsResource(next)], deps.recording);
  await recordProgress(state.restoreId, { progress: progressOf(next) }, deps.recording);
  return next;
}

function manifestOf(state: ObjectsRestoreState): BucketCopyManifestRef {
  const manifest = state.recoveryPoint.manifest;
  if (!manifest)
    throw new InvalidInputError(
      `recovery point ${state.recoveryPoint.id} is a ${state.recoveryPoint.kind}, not a bucket copy with a manifest`,
    );
  return { copied: 0, failed: 0, ...manifest };
}

async function* chunks(
  entries: AsyncIterable<ManifestEntry>,
  size: number,
): AsyncIterable<ManifestEntry[]> {
  let chunk: ManifestEntry[] = [];
  for await (const entry of entries) {
    chunk.push(entry);
    if (chunk.length >= size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

async function surveyTurn(
  state: ObjectsRestoreState,
  deps: RestoreObjectsDeps,
): Promise<ObjectsRestoreState> {
  const lookForExisting = state.request.existingObjects === 'fail';
  const limit = pLimit(deps.concurrency ?? 16);
  const { bucket } = state.request.target;
  let next = { ...state, selected: { ...state.selected } };
  const entries = selectedEntries(
    deps.backup,
    manifestOf(state),
    objectSelection(state.request),
    state.startAfter,
  );
  const size = lookForExisting ? CHUNK : 1_000;
  for await (const chunk of chunks(entries, size)) {
    next.selected.objects += chunk.length;
    next.selected.bytes += chunk.reduce((sum, entry) => sum + entry.size, 0);
    next.startAfter = chunk.at(-1)!.key;
    if (lookForExisting) {
      const keys = chunk.map((entry) => targetKeyOf(state.request, entry.key));
      const held = await Promise.all(
        keys.map((key) => limit(() => deps.target.describeObject(bucket, key))),
      );
      const existing = keys.filter((_, index) => held[index] !== undefined);
      next = {
        ...next,
        tally: { ...next.tally, conflicts: next.tally.conflicts + existing.length },
        named: {
          ...next.named,
          conflicts: [...next.named.conflicts, ...existing].slice(0, NAMED_KEYS),
        },
      };
      if (next.tally.conflicts >= NAMED_KEYS) return { ...next, phase: 'done' };
    }
    // A short chunk is the last one: the phase ends in this turn whatever the clock says.
    if (chunk.length === size && !deps.hasTime()) return next;
  }
  const { startAfter: _surveyed, ...rest } = next;
  return { ...rest, phase: next.tally.conflicts > 0 ? 'done' : 'copy' };
}

async function copyTurn(
  state: ObjectsRestoreState,
  deps: RestoreObjectsDeps,
): Promise<ObjectsRestoreState> {
  const limit = pLimit(deps.concurrency ?? 16);
  const context = {
    request: state.request,
    manifest: manifestOf(state),
    target: deps.target,
  };
  let next = state;
  let firstRecorded = false;
  const entries = selectedEntries(
    deps.backup,
    context.manifest,
    objectSelection(state.request),
    state.startAfter,
  );
  for await (const chunk of chunks(entries, CHUNK)) {
    const outcomes = await Promise.all(
      chunk.map((entry) => limit(() => restoreOneObject(entry, context))),
    );
    chunk.forEach((entry, index) => (next = countOutcome(next, entry, outcomes[index]!)));
    // The restore's first writes are recorded at once (a cancel finds them); later turns update the count.
    if (state.tally.copied === 0 && next.tally.copied > 0 && !firstRecorded) {
      firstRecorded = true;
      await recordCreated(state.restoreId, [restoredObjectsResource(next)], deps.recording);
    }
    next = { ...next, startAfter: chunk.at(-1)!.key };
    // An existing key that appeared after the survey: `fail` stops copying at once.
    if (next.tally.conflicts > 0) return { ...next, phase: 'done' };
    if (chunk.length === CHUNK && !deps.hasTime()) return next;
  }
  const { startAfter: _done, ...rest } = next;
  return { ...rest, phase: 'done' };
}
