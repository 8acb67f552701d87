import { once } from 'node:events';
import type { Readable } from 'node:stream';
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

/** Lines are handed to gzip in batches of about this many characters, not one call each. */
const batchChars = 64 * 1024;

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
  // A write per line would cost a zlib call, a buffer and a callback each (the same bytes come out).
  let batch = '';
  const flush = async () => {
    const text = batch;
    batch = '';
    if (text !== '' && !gzip.write(text)) await once(gzip, 'drain');
  };
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
      batch += `${JSON.stringify(entry)}\n`;
      if (batch.length >= batchChars) await flush();
    },
    async close() {
      await flush();
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
  const order: { last?: string } = {};
  for (const part of parts) {
    if (startAfter !== undefined && endsBefore(part, startAfter)) continue;
    if (endAt !== undefined && part.firstKey !== undefined && compareKeys(part.firstKey, endAt) > 0)
      break;
    const body = await store.readObject(bucket, part.key);
    if (!body)
      throw new ManifestPartMissingError(`manifest part s3://${bucket}/${part.key} is missing`);
    const pastEnd = yield* partEntries(body, { bucket, part, order, startAfter, endAt });
    if (pastEnd) return;
  }
}

/** Whether every key a part lists is at or before `startAfter`. */
function endsBefore(part: ManifestPartLocation, startAfter: string): boolean {
  return (
    (part.lastKey !== undefined && compareKeys(part.lastKey, startAfter) <= 0) ||
    (part.onlyThrough !== undefined && compareKeys(part.onlyThrough, startAfter) <= 0)
  );
}

interface PartReading {
  bucket: string;
  part: ManifestPartLocation;
  /** The last key yielded from any part: keys must ascend across parts too. */
  order: { last?: string };
  startAfter: string | undefined;
  endAt: string | undefined;
}

/** One part's entries within the range and the part's own bounds; true once past `endAt`. */
async function* partEntries(
  body: Readable,
  { bucket, part, order, startAfter, endAt }: PartReading,
): AsyncGenerator<ManifestEntry, boolean, undefined> {
  const gunzip = createGunzip();
  const lines = createInterface({ input: body.pipe(gunzip), crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      const entry = JSON.parse(line) as ManifestEntry;
      if (endAt !== undefined && compareKeys(entry.key, endAt) > 0) return true;
      if (part.onlyThrough !== undefined && compareKeys(entry.key, part.onlyThrough) > 0)
        return false;
      if (part.onlyAfter !== undefined && compareKeys(entry.key, part.onlyAfter) <= 0) continue;
      if (startAfter !== undefined && compareKeys(entry.key, startAfter) <= 0) continue;
      if (order.last !== undefined && compareKeys(entry.key, order.last) <= 0)
        throw new ManifestOrderError(
          `manifest part s3://${bucket}/${part.key} lists ${JSON.stringify(entry.key)} after ${JSON.stringify(order.last)}: the manifest is not in key order`,
        );
      order.last = entry.key;
      yield entry;
    }
    return false;
  } finally {
    // However the reading stops: a part left half-read (the range, or the turn, ended inside it)
    // would otherwise hold its connection, its inflater and their buffers for good.
    lines.close();
    gunzip.destroy();
    body.destroy();
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
