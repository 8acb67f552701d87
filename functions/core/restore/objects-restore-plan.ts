import picomatch from 'picomatch';
import { compareKeys, type ManifestEntry } from '../object-sync.js';
import type { ObjectsRestoreRequest } from './restore-request.js';
import type { RestoreProblem } from './restore-errors.js';

/**
 * The pure core of an objects restore (issue 11; docs/adr/0012-restore-api.md): which entries of
 * a bucket copy's manifest a request selects, where each goes in the target bucket, and what to
 * do with each given what the target already holds. Nothing here reads S3: the steps
 * (functions/steps/restore/) give it the manifest's entries and the target's HeadObject facts.
 *
 * Prefix mapping PREPENDS: the target key is `target.prefix` + the source key, never with a
 * source prefix stripped. Prepending keeps S3's key order (the turns resume after the last source
 * key) and can never map two source keys onto one target key.
 */

export type ExistingObjectsMode = NonNullable<ObjectsRestoreRequest['existingObjects']>;

/** What the target holds at a key, as HeadObject tells it (undefined: no object there). */
export interface TargetObjectFacts {
  size: number;
  /** As S3 reports it, quotes included or not. */
  etag: string;
  checksum?: { algorithm: string; value: string; type?: 'FULL_OBJECT' | 'COMPOSITE' };
}

/** A compiled selection: prefix ∧ (no include, or some include) ∧ ¬(some exclude). */
export interface ObjectSelection {
  readonly prefixes: readonly string[];
  matches(key: string): boolean;
  /** True once no key after this one (in key order) can be selected: reading may stop. */
  endedAfter(key: string): boolean;
}

/** Glob options: `*` stays within a `/` segment, `**` crosses them; dot-files are keys too. */
const globOptions: picomatch.PicomatchOptions = { dot: true };

/** Problems with the request's globs (each one that does not compile), by field. */
export function globProblems(request: Pick<ObjectsRestoreRequest, 'include' | 'exclude'>) {
  const problems: RestoreProblem[] = [];
  for (const field of ['include', 'exclude'] as const) {
    (request[field] ?? []).forEach((pattern, index) => {
      try {
        picomatch.makeRe(pattern, globOptions);
      } catch (error) {
        problems.push({
          path: `${field}.${index}`,
          code: 'invalid-glob',
          message: `${field} pattern ${JSON.stringify(pattern)} does not compile: ${(error as Error).message}`,
        });
      }
    });
  }
  return problems;
}

/** The request's selection. Absent or empty lists select everything (prefixes, include). */
export function objectSelection(
  request: Pick<ObjectsRestoreRequest, 'prefixes' | 'include' | 'exclude'>,
): ObjectSelection {
  const prefixes = request.prefixes ?? [];
  const included = matcherOf(request.include);
  const excluded = matcherOf(request.exclude);
  const underPrefix = (key: string) =>
    prefixes.length === 0 || prefixes.some((prefix) => key.startsWith(prefix));
  return {
    prefixes,
    matches: (key) => underPrefix(key) && (included?.(key) ?? true) && !(excluded?.(key) ?? false),
    endedAfter: (key) =>
      prefixes.length > 0 &&
      prefixes.every((prefix) => compareKeys(key, prefix) > 0 && !key.startsWith(prefix)),
  };
}

function matcherOf(
  patterns: readonly string[] | undefined,
): ((key: string) => boolean) | undefined {
  if (!patterns || patterns.length === 0) return undefined;
  return picomatch([...patterns], globOptions);
}

/** The first key of the selection in key order ('' without prefixes): parts before it are skipped. */
export function firstSelectedPrefix(selection: ObjectSelection): string {
  return selection.prefixes.length === 0
    ? ''
    : selection.prefixes.reduce((first, prefix) =>
        compareKeys(prefix, first) < 0 ? prefix : first,
      );
}

/** Where a source key is restored to: `target.prefix` + the key. */
export function targetKeyOf(request: Pick<ObjectsRestoreRequest, 'target'>, key: string): string {
  return (request.target.prefix ?? '') + key;
}

export type TargetComparison =
  | { same: true; by: 'checksum' | 'etag' }
  | { same: false; by: 'size' | 'checksum' }
  | { same: 'unknown'; why: string };

const unquoted = (etag: string) => etag.replace(/^"|"$/g, '');
/** A composite checksum (`…-N`) depends on the part layout: it compares only with itself. */
const isComposite = (checksum: { value: string; type?: string }) =>
  checksum.type === 'COMPOSITE' || /-\d+$/.test(checksum.value);

/**
 * Whether the target's object has the manifest's content, from what the manifest recorded (size,
 * the source's ETag, the copy's checksum) and the target's HEAD. Fails closed: a differing ETag
 * proves nothing (multipart layouts and SSE-KMS give other ETags for the same bytes), so without a
 * size difference or comparable checksums the answer is 'unknown', never 'different'.
 */
export function compareWithTarget(
  entry: ManifestEntry,
  target: TargetObjectFacts,
): TargetComparison {
  if (target.size !== entry.size) return { same: false, by: 'size' };
  const recorded = entry.checksum;
  const held = target.checksum;
  if (recorded && held && recorded.algorithm.toUpperCase() === held.algorithm.toUpperCase()) {
    if (recorded.value === held.value) return { same: true, by: 'checksum' };
    if (!isComposite(recorded) && !isComposite(held)) return { same: false, by: 'checksum' };
  }
  if (unquoted(target.etag) === unquoted(entry.sourceEtag)) return { same: true, by: 'etag' };
  return {
    same: 'unknown',
    why: !recorded
      ? 'the manifest recorded no checksum and the ETags differ (an ETag is no content hash for multipart or SSE-KMS objects)'
      : !held
        ? `the target object has no ${recorded.algorithm} checksum and the ETags differ`
        : `the checksums are not comparable (${recorded.algorithm} ${recorded.value} vs ${held.algorithm} ${held.value}) and the ETags differ`,
  };
}

export type ObjectDecision =
  | { action: 'copy'; reason: 'absent' | 'different'; ifTargetEtag?: string }
  | { action: 'leave'; reason: 'exists' | 'identical' }
  | { action: 'undetermined'; why: string }
  | { action: 'conflict' };

/**
 * What to do with one selected object. An absent target is copied (on condition it is still
 * absent). `skip` leaves any existing object; `fail` reports it as a conflict (the restore fails);
 * `overwrite-if-different` copies only over a provably different object (on condition it is still
 * the one compared) and leaves an identical or an undecidable one.
 */
export function decideObject(
  mode: ExistingObjectsMode,
  entry: ManifestEntry,
  target: TargetObjectFacts | undefined,
): ObjectDecision {
  if (!target) return { action: 'copy', reason: 'absent' };
  if (mode === 'skip') return { action: 'leave', reason: 'exists' };
  if (mode === 'fail') return { action: 'conflict' };
  const comparison = compareWithTarget(entry, target);
  if (comparison.same === true) return { action: 'leave', reason: 'identical' };
  if (comparison.same === 'unknown') return { action: 'undetermined', why: comparison.why };
  return { action: 'copy', reason: 'different', ifTargetEtag: target.etag };
}
