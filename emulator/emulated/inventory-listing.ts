import {
  ListObjectVersionsCommand,
  paginateListObjectsV2,
  type ListObjectVersionsCommandOutput,
} from '@aws-sdk/client-s3';
import type { Upstream } from './upstream.js';

/** One object, version or delete marker, as moto lists it. */
export interface InventoryEntry {
  key: string;
  versionId?: string | undefined;
  isLatest?: boolean | undefined;
  isDeleteMarker?: boolean | undefined;
  size?: number | undefined;
  lastModified?: Date | undefined;
  eTag?: string | undefined;
  storageClass?: string | undefined;
  checksumAlgorithm?: string | undefined;
}

/** The bucket listed, `region` the credential scope of the calls to moto. */
export interface ListedSource {
  region: string;
  bucket: string;
  prefix: string;
}

/**
 * What an inventory report lists, straight from moto: the current objects under `prefix`
 * (ListObjectsV2), or with `allVersions` every version and delete marker
 * (ListObjectVersions). In key order; the report shuffles them (inventory-rows.ts).
 */
export function listInventoryEntries(
  upstream: Upstream,
  source: ListedSource,
  allVersions: boolean,
): Promise<InventoryEntry[]> {
  return allVersions ? listVersions(upstream, source) : listObjects(upstream, source);
}

async function listObjects(
  upstream: Upstream,
  { region, bucket, prefix }: ListedSource,
): Promise<InventoryEntry[]> {
  const entries: InventoryEntry[] = [];
  const pages = paginateListObjectsV2(
    { client: upstream.s3Client(region) },
    { Bucket: bucket, ...(prefix === '' ? {} : { Prefix: prefix }) },
  );
  for await (const page of pages) {
    for (const object of page.Contents ?? []) {
      entries.push({
        key: object.Key ?? '',
        size: object.Size,
        lastModified: object.LastModified,
        eTag: object.ETag,
        storageClass: object.StorageClass,
        checksumAlgorithm: object.ChecksumAlgorithm?.[0],
      });
    }
  }
  return entries.sort((a, b) => compare(a.key, b.key));
}

async function listVersions(
  upstream: Upstream,
  { region, bucket, prefix }: ListedSource,
): Promise<InventoryEntry[]> {
  const entries: InventoryEntry[] = [];
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    const page = await upstream.s3Client(region).send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        ...(prefix === '' ? {} : { Prefix: prefix }),
        ...(keyMarker === undefined ? {} : { KeyMarker: keyMarker }),
        ...(versionIdMarker === undefined ? {} : { VersionIdMarker: versionIdMarker }),
      }),
    );
    entries.push(...versionEntries(page));
    if (page.IsTruncated !== true || page.NextKeyMarker === undefined) break;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
  // Per key: latest first, then newest first, as S3 lists versions.
  return entries.sort(
    (a, b) =>
      compare(a.key, b.key) ||
      Number(b.isLatest === true) - Number(a.isLatest === true) ||
      (b.lastModified?.getTime() ?? 0) - (a.lastModified?.getTime() ?? 0),
  );
}

/** One ListObjectVersions page's versions, then its delete markers. */
function versionEntries(page: ListObjectVersionsCommandOutput): InventoryEntry[] {
  return [
    ...(page.Versions ?? []).map((version) => ({
      key: version.Key ?? '',
      versionId: version.VersionId,
      isLatest: version.IsLatest,
      isDeleteMarker: false,
      size: version.Size,
      lastModified: version.LastModified,
      eTag: version.ETag,
      storageClass: version.StorageClass,
      checksumAlgorithm: version.ChecksumAlgorithm?.[0],
    })),
    ...(page.DeleteMarkers ?? []).map((marker) => ({
      key: marker.Key ?? '',
      versionId: marker.VersionId,
      isLatest: marker.IsLatest,
      isDeleteMarker: true,
      lastModified: marker.LastModified,
    })),
  ];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
