import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import { compareKeys, type ManifestEntry } from '../core/object-sync.js';
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
  return {
    get lines() {
      return lines;
    },
    async write(entry) {
      lines += 1;
      if (!gzip.write(`${JSON.stringify(entry)}\n`)) await once(gzip, 'drain');
    },
    async close() {
      gzip.end();
      await uploaded;
    },
  };
}

/** Entries of the given parts, in order, after `startAfter` (S3 key order). */
export async function* readManifestParts(
  store: ObjectStore,
  bucket: string,
  parts: readonly string[],
  startAfter?: string,
): AsyncIterable<ManifestEntry> {
  for (const part of parts) {
    const body = await store.readObject(bucket, part);
    if (!body) continue;
    const lines = createInterface({ input: body.pipe(createGunzip()), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      const entry = JSON.parse(line) as ManifestEntry;
      if (startAfter === undefined || compareKeys(entry.key, startAfter) > 0) yield entry;
    }
  }
}
