import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import { compareKeys, type ManifestEntry } from '../core/object-sync.js';
import { BackupError } from '../core/errors.js';
import type { ObjectStore } from '../ports/object-store.js';

/**
 * A manifest part: gzipped JSON Lines, one ManifestEntry per line, in S3 key order. Written as a
 * stream (multipart upload under the hood) and read back as a stream, so neither side ever holds
 * a whole listing in memory.
 */
export interface ManifestPartWriter {
  write(entry: ManifestEntry): Promise<void>;
  close(): Promise<void>;
  readonly lines: number;
  readonly firstKey: string | undefined;
  readonly lastKey: string | undefined;
}

export function openManifestPart(
  store: ObjectStore,
  bucket: string,
  key: string,
): ManifestPartWriter {
  const gzip = createGzip();
  const uploaded = store.writeObject(bucket, key, gzip, 'application/x-ndjson');
  // Keep a failed upload from becoming an unhandled rejection before close() awaits it.
  uploaded.catch(() => undefined);
  let lines = 0;
  let firstKey: string | undefined;
  let lastKey: string | undefined;
  return {
    get lines() {
      return lines;
    },
    get firstKey() {
      return firstKey;
    },
    get lastKey() {
      return lastKey;
    },
    async write(entry) {
      lines += 1;
      firstKey ??= entry.key;
      lastKey = entry.key;
      if (!gzip.write(`${JSON.stringify(entry)}\n`)) await once(gzip, 'drain');
    },
    async close() {
      gzip.end();
      await uploaded;
    },
  };
}

/** A part as the readers need it: where it is, and which keys it lists when known. */
export interface ManifestPartLocation {
  key: string;
  firstKey?: string;
  lastKey?: string;
  onlyAfter?: string;
  onlyThrough?: string;
}

/** A manifest part the index names is not in the backup bucket: the point in time is incomplete. */
export class ManifestPartMissingError extends BackupError {}

/** A manifest's keys do not ascend: it cannot be merged (or pruned against) safely. */
export class ManifestOrderError extends BackupError {}

/**
 * Entries of the given parts, in order, after `startAfter` and up to `endAt` (S3 key order).
 * Parts whose known key span lies outside the range are not read at all.
 */
export async function* readManifestParts(
  store: ObjectStore,
  bucket: string,
  parts: readonly ManifestPartLocation[],
  startAfter?: string,
  endAt?: string,
): AsyncIterable<ManifestEntry> {
  let last: string | undefined;
  for (const part of parts) {
    if (
      startAfter !== undefined &&
      part.lastKey !== undefined &&
      compareKeys(part.lastKey, startAfter) <= 0
    )
      continue;
    if (
      startAfter !== undefined &&
      part.onlyThrough !== undefined &&
      compareKeys(part.onlyThrough, startAfter) <= 0
    )
      continue;
    if (endAt !== undefined && part.firstKey !== undefined && compareKeys(part.firstKey, endAt) > 0)
      break;
    const body = await store.readObject(bucket, part.key);
    if (!body)
      throw new ManifestPartMissingError(`manifest part s3://${bucket}/${part.key} is missing`);
    const lines = createInterface({ input: body.pipe(createGunzip()), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      const entry = JSON.parse(line) as ManifestEntry;
      if (endAt !== undefined && compareKeys(entry.key, endAt) > 0) {
        lines.close();
        return;
      }
      if (part.onlyThrough !== undefined && compareKeys(entry.key, part.onlyThrough) > 0) {
        lines.close();
        break;
      }
      if (part.onlyAfter !== undefined && compareKeys(entry.key, part.onlyAfter) <= 0) continue;
      if (startAfter !== undefined && compareKeys(entry.key, startAfter) <= 0) continue;
      if (last !== undefined && compareKeys(entry.key, last) <= 0)
        throw new ManifestOrderError(
          `manifest part s3://${bucket}/${part.key} lists ${JSON.stringify(entry.key)} after ${JSON.stringify(last)}: the manifest is not in key order`,
        );
      last = entry.key;
      yield entry;
    }
  }
}

/** Stops an ordered listing after `endAt` (inclusive), closing it. */
export async function* through<T extends { key: string }>(
  entries: AsyncIterable<T>,
  endAt: string | undefined,
): AsyncIterable<T> {
  for await (const entry of entries) {
    if (endAt !== undefined && compareKeys(entry.key, endAt) > 0) return;
    yield entry;
  }
}
