import { BackupError } from './errors.js';

/**
 * The pure core of the incremental bucket sync (issue 4; the rule is ADR 0006): a streaming
 * three-way merge-join of the source listing, the backup copies' listing and the previous run's
 * manifest, in S3's key order, deciding per key whether to copy or keep. It holds one entry per
 * stream in memory, however large the bucket.
 */

/** One listed object, as ListObjectsV2 reports it. */
export interface ObjectEntry {
  key: string;
  size: number;
  /** As listed, quotes included (`"…"`, or `"…-N"` for a multipart upload). */
  etag: string;
  /** ISO-8601. */
  lastModified: string;
  checksumAlgorithm?: string;
  storageClass?: string;
}

/** One line of a run's manifest: what the backup holds for that key at that run. */
export interface ManifestEntry {
  key: string;
  size: number;
  /** The source's ETag of the object that was copied. */
  sourceEtag: string;
  sourceLastModified: string;
  /** The copy's version in the backup bucket. */
  versionId?: string;
  checksum?: { algorithm: string; value: string };
  copiedInRun: string;
}

export type ChangeReason = 'size-changed' | 'modified-after-copy' | 'etag-changed' | 'unrecorded';
export type CopyReason = 'new' | ChangeReason;

/** The source key is not at the destination. */
export interface CopyNewDecision {
  kind: 'copy';
  reason: 'new';
  key: string;
  source: ObjectEntry;
}

/** The source key is at the destination but the copy is stale. */
export interface CopyChangedDecision {
  kind: 'copy';
  reason: ChangeReason;
  key: string;
  source: ObjectEntry;
  destination: ObjectEntry;
  previous?: ManifestEntry;
}

/** The copy is current: no per-object read; the caller carries `previous.versionId` forward. */
export interface KeepDecision {
  kind: 'keep';
  key: string;
  source: ObjectEntry;
  destination: ObjectEntry;
  previous?: ManifestEntry;
}

/** The key is gone from the source. Reported only: history keeps the copy (never deleted here). */
export interface DeletedAtSourceDecision {
  kind: 'deleted-at-source';
  key: string;
  destination: ObjectEntry;
  previous?: ManifestEntry;
}

export type CopyDecision = CopyNewDecision | CopyChangedDecision;
export type SyncDecision = CopyDecision | KeepDecision | DeletedAtSourceDecision;

export type SyncStream = 'source' | 'destination' | 'previous';

/** A stream yielded a key that is not strictly after the one before it (in UTF-8 byte order). */
export class ListingOrderError extends BackupError {
  constructor(
    readonly stream: SyncStream,
    readonly previousKey: string,
    readonly key: string,
  ) {
    super(
      `the ${stream} stream is not in S3 key order (UTF-8 byte order, strictly increasing): ` +
        `${JSON.stringify(key)} came after ${JSON.stringify(previousKey)}`,
    );
  }
}

/**
 * Orders keys as S3 lists them: by the bytes of their UTF-8 encodings, which is Unicode code point
 * order. JS `<` compares UTF-16 code units, which disagrees when one key has a supplementary
 * character (a surrogate pair, 0xD800–0xDFFF) where the other has a unit in 0xE000–0xFFFF, e.g.
 * '\uFF01' < '\u{1F600}' in UTF-8 but not in UTF-16. This walks to the first differing code unit
 * and, in that case only, lifts the surrogate above the BMP unit (no encoding, no allocation).
 * S3 keys are valid UTF-8, so lone surrogates do not occur.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    let x = a.charCodeAt(index);
    let y = b.charCodeAt(index);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Surrogates (0xD800–0xDFFF) encode code points above 0xFFFF: move them past 0xE000–0xFFFF.
      x = x < 0xe000 ? x + 0x2000 : x - 0x800;
      y = y < 0xe000 ? y + 0x2000 : y - 0x800;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** ETags compare without their quotes: the listing quotes them, a manifest writer may not. */
function sameEtag(a: string, b: string): boolean {
  return a === b || unquote(a) === unquote(b);
}

function unquote(etag: string): string {
  return etag.length >= 2 && etag.startsWith('"') && etag.endsWith('"') ? etag.slice(1, -1) : etag;
}

/**
 * Whether `a` is a later instant than `b` (ISO-8601). Two UTC timestamps of the same layout (same
 * length, `T` at 10, `Z` at the end, as S3 lists them) compare as strings, without parsing; others
 * are parsed. An unparseable one counts as later, to err toward copying.
 */
function isLater(a: string, b: string): boolean {
  if (
    a.length === b.length &&
    a.charCodeAt(10) === 0x54 &&
    b.charCodeAt(10) === 0x54 &&
    a.endsWith('Z') &&
    b.endsWith('Z') &&
    a.charCodeAt(4) === 0x2d &&
    b.charCodeAt(4) === 0x2d
  ) {
    return a > b;
  }
  return !(Date.parse(a) <= Date.parse(b));
}

/**
 * The rule for one key present on both sides (ADR 0006), in order: a different size is a change;
 * a source written after its copy was written is a change (a copy is always written after what
 * it copies; an unparseable timestamp counts as a change, to err toward copying); a source ETag
 * that differs from the one the previous manifest recorded as copied is a change (a same-size
 * rewrite inside the timestamps' one-second resolution). ETags are never compared across
 * buckets: with SSE-KMS or multipart uploads they are not the content's MD5.
 */
export function decideObject(
  source: ObjectEntry,
  destination: ObjectEntry,
  previous?: ManifestEntry,
  manifestIsComplete = false,
): CopyChangedDecision | KeepDecision {
  const key = source.key;
  const withPrevious = previous ? { previous } : {};
  if (source.size !== destination.size) {
    return { kind: 'copy', reason: 'size-changed', key, source, destination, ...withPrevious };
  }
  if (isLater(source.lastModified, destination.lastModified)) {
    return {
      kind: 'copy',
      reason: 'modified-after-copy',
      key,
      source,
      destination,
      ...withPrevious,
    };
  }
  if (previous && !sameEtag(previous.sourceEtag, source.etag)) {
    return { kind: 'copy', reason: 'etag-changed', key, source, destination, previous };
  }
  // A copy the previous manifest does not list was never verified (a copy that failed its
  // checksum, or one from an interrupted run): copy it again rather than trust it.
  if (!previous && manifestIsComplete) {
    return { kind: 'copy', reason: 'unrecorded', key, source, destination };
  }
  return { kind: 'keep', key, source, destination, ...withPrevious };
}

/** One stream's head, checked for strictly increasing keys as it advances. */
class Cursor<T extends { key: string }> {
  head: T | undefined;
  private done = false;
  private lastKey: string | undefined;

  constructor(
    private readonly iterator: AsyncIterator<T>,
    private readonly stream: SyncStream,
  ) {}

  async advance(): Promise<void> {
    const result = await this.iterator.next();
    if (result.done) {
      this.head = undefined;
      this.done = true;
      return;
    }
    const entry = result.value;
    if (this.lastKey !== undefined && compareKeys(entry.key, this.lastKey) <= 0) {
      throw new ListingOrderError(this.stream, this.lastKey, entry.key);
    }
    this.lastKey = entry.key;
    this.head = entry;
  }

  /** Lets the producer release what it holds (a paginator, a response stream) when we stop early. */
  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.head = undefined;
    await this.iterator.return?.();
  }
}

/**
 * Plans one incremental sync: a merge-join of `source` (the source bucket's listing),
 * `destination` (the backup copies' listing, the source-bucket prefix already stripped) and
 * `previous` (the previous run's manifest), all in S3 key order. Yields one decision per source
 * key (`copy` or `keep`) and one per destination-only key (`deleted-at-source`), in key order;
 * previous-only keys yield nothing. Throws `ListingOrderError` as soon as a stream goes out of
 * order. Memory: one entry per stream. The previous manifest is read only as far as the listings
 * reach; streams not read to the end are closed (`return()`).
 */
export async function* planObjectSync(
  source: AsyncIterable<ObjectEntry>,
  destination: AsyncIterable<ObjectEntry>,
  previous: AsyncIterable<ManifestEntry>,
  /** True when `previous` is a whole earlier manifest for these keys (not the first run). */
  manifestIsComplete = false,
): AsyncGenerator<SyncDecision, void, undefined> {
  const src = new Cursor(source[Symbol.asyncIterator](), 'source');
  const dst = new Cursor(destination[Symbol.asyncIterator](), 'destination');
  const prev = new Cursor(previous[Symbol.asyncIterator](), 'previous');
  try {
    await Promise.all([src.advance(), dst.advance(), prev.advance()]);
    for (;;) {
      const s = src.head;
      const d = dst.head;
      if (!s && !d) return;
      const order = !s ? 1 : !d ? -1 : compareKeys(s.key, d.key);
      const key = order <= 0 ? s!.key : d!.key;

      // Bring the manifest up to this key; manifest lines for keys on neither side are ignored.
      let p = prev.head;
      while (p && compareKeys(p.key, key) < 0) {
        await prev.advance();
        p = prev.head;
      }
      const matched = p && p.key === key ? p : undefined;
      if (matched) await prev.advance();

      if (order < 0) {
        yield { kind: 'copy', reason: 'new', key, source: s! };
        await src.advance();
      } else if (order > 0) {
        yield matched
          ? { kind: 'deleted-at-source', key, destination: d!, previous: matched }
          : { kind: 'deleted-at-source', key, destination: d! };
        await dst.advance();
      } else {
        yield decideObject(s!, d!, matched, manifestIsComplete);
        await Promise.all([src.advance(), dst.advance()]);
      }
    }
  } finally {
    await Promise.allSettled([src.close(), dst.close(), prev.close()]);
  }
}

/** Counts of a plan, by decision and reason, with the bytes the copies will move. */
export interface SyncSummary {
  copy: Record<CopyReason, number>;
  copies: number;
  copyBytes: number;
  keep: number;
  keepBytes: number;
  deletedAtSource: number;
}

export function emptySyncSummary(): SyncSummary {
  return {
    copy: { new: 0, 'size-changed': 0, 'modified-after-copy': 0, 'etag-changed': 0, unrecorded: 0 },
    copies: 0,
    copyBytes: 0,
    keep: 0,
    keepBytes: 0,
    deletedAtSource: 0,
  };
}

/** Adds one decision to a summary (mutates and returns it, so it can fold a stream in O(1)). */
export function countSyncDecision(summary: SyncSummary, decision: SyncDecision): SyncSummary {
  switch (decision.kind) {
    case 'copy':
      summary.copy[decision.reason] += 1;
      summary.copies += 1;
      summary.copyBytes += decision.source.size;
      break;
    case 'keep':
      summary.keep += 1;
      summary.keepBytes += decision.source.size;
      break;
    case 'deleted-at-source':
      summary.deletedAtSource += 1;
      break;
  }
  return summary;
}

/** Folds a whole plan into a summary without holding it. */
export async function summarizeSyncDecisions(
  decisions: AsyncIterable<SyncDecision> | Iterable<SyncDecision>,
): Promise<SyncSummary> {
  const summary = emptySyncSummary();
  for await (const decision of decisions) countSyncDecision(summary, decision);
  return summary;
}
