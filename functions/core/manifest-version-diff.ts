import { compareKeys, type ManifestEntry } from './object-sync.js';

/**
 * The copies an expiring bucket-copy run alone holds: entries of its manifest whose version no
 * neighbouring kept run lists. All streams are manifests in S3 key order, merged in one pass, so
 * memory stays flat however many keys a run lists.
 *
 * Why the two nearest kept runs suffice: a copy (key, version) is listed by the run that made it
 * and by every later run until the key changes or goes, an unbroken stretch of runs. If any kept
 * run lists it, the nearest kept run on that side of the expiring run lies inside the stretch too.
 */
export async function* versionsOnlyIn(
  expiring: AsyncIterable<ManifestEntry>,
  neighbours: readonly AsyncIterable<ManifestEntry>[],
): AsyncIterable<ManifestEntry> {
  const cursors = neighbours.map((stream) => new Cursor(stream));
  for await (const entry of expiring) {
    if (entry.versionId === undefined) continue;
    let shared = false;
    for (const cursor of cursors) {
      const match = await cursor.seek(entry.key);
      // A neighbour that lists the key without a version pins nothing we can compare: keep it.
      if (match && (match.versionId === undefined || match.versionId === entry.versionId))
        shared = true;
    }
    if (!shared) yield entry;
  }
  for (const cursor of cursors) await cursor.close();
}

/** Reads an ordered stream forward to a key, never backward. */
class Cursor {
  private readonly iterator: AsyncIterator<ManifestEntry>;
  private current: ManifestEntry | undefined;
  private finished = false;

  constructor(stream: AsyncIterable<ManifestEntry>) {
    this.iterator = stream[Symbol.asyncIterator]();
  }

  /** The entry for `key`, or undefined when the stream has none. */
  async seek(key: string): Promise<ManifestEntry | undefined> {
    while (
      !this.finished &&
      (this.current === undefined || compareKeys(this.current.key, key) < 0)
    ) {
      const next = await this.iterator.next();
      if (next.done) this.finished = true;
      else this.current = next.value;
    }
    return this.current !== undefined && this.current.key === key ? this.current : undefined;
  }

  async close(): Promise<void> {
    if (!this.finished) await this.iterator.return?.();
  }
}
