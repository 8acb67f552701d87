import { buffer } from 'node:stream/consumers';
import * as z from 'zod';
import {
  ManifestIndexSchema,
  ManifestPartSchema,
  type ManifestIndex,
  type ManifestPart,
} from '../core/run-state/bucket-copy.js';
import type { BucketCopyManifestRef } from '../core/recovery-point.js';
import type { ObjectStore } from '../ports/object-store.js';
import { ManifestPartMissingError } from './manifest-stream.js';

/** A run's manifest index, read from the backup bucket; a missing or foreign one is an error. */
export async function readManifestIndex(
  store: ObjectStore,
  bucket: string,
  key: string,
): Promise<ManifestIndex> {
  const body = await store.readObject(bucket, key);
  if (!body) throw new ManifestPartMissingError(`manifest index s3://${bucket}/${key} is missing`);
  let json: unknown;
  try {
    json = JSON.parse((await buffer(body)).toString('utf8'));
  } catch (error) {
    throw new ManifestPartMissingError(
      `s3://${bucket}/${key} is not JSON: ${(error as Error).message}`,
    );
  }
  const parsed = ManifestIndexSchema.safeParse(json);
  if (!parsed.success)
    throw new ManifestPartMissingError(
      `s3://${bucket}/${key} is not a bucket-copy manifest index: ${parsed.error.issues[0]?.message ?? ''}`,
    );
  return parsed.data;
}

/** A catalogued manifest's parts: carried in the catalog item, or read from its index. */
export async function manifestPartsOf(
  store: ObjectStore,
  manifest: BucketCopyManifestRef,
): Promise<ManifestPart[]> {
  if ((manifest.partCount ?? manifest.parts.length) <= manifest.parts.length) return manifest.parts;
  return (await readManifestIndex(store, manifest.bucket, manifest.indexKey)).parts;
}

const PartListSchema = z.array(ManifestPartSchema);

/** Parts a range spilled out of the workflow state (see BucketCopyState.partLists). */
export async function writePartList(
  store: ObjectStore,
  bucket: string,
  key: string,
  parts: readonly ManifestPart[],
): Promise<void> {
  await store.writeObject(bucket, key, JSON.stringify(parts), 'application/json');
}

export async function readPartList(
  store: ObjectStore,
  bucket: string,
  key: string,
): Promise<ManifestPart[]> {
  const body = await store.readObject(bucket, key);
  if (!body)
    throw new ManifestPartMissingError(`manifest part list s3://${bucket}/${key} is missing`);
  return PartListSchema.parse(JSON.parse((await buffer(body)).toString('utf8')) as unknown);
}
