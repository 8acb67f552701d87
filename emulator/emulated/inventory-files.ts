import { createHash, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Upstream } from './upstream.js';

/** Where a report goes: the destination bucket and `[Prefix/]source/configId/` in it. */
export interface ReportLocation {
  /** Credential scope of the PutObject calls to moto. */
  region: string;
  destinationBucket: string;
  base: string;
}

/** A data file as the manifest lists it. */
export interface DataFile {
  key: string;
  size: number;
  MD5checksum: string;
}

/** What manifest.json says besides its files. */
export interface ManifestFacts {
  sourceBucket: string;
  /** The destination bucket's ARN, as the configuration names it. */
  destinationArn: string;
  /** When S3 "began the scan": the manifest's folder and creationTimestamp. */
  at: Date;
  columns: readonly string[];
}

/** Writes `base/data/{uuid}.csv.gz`, gzip, at most `rowsPerFile` rows each (none for none). */
export async function writeDataFiles(
  upstream: Upstream,
  location: ReportLocation,
  rows: readonly string[],
  rowsPerFile: number,
): Promise<DataFile[]> {
  const files: DataFile[] = [];
  for (let start = 0; start < rows.length; start += rowsPerFile) {
    const gz = gzipSync(Buffer.from(rows.slice(start, start + rowsPerFile).join(''), 'utf8'));
    const key = `${location.base}data/${randomUUID()}.csv.gz`;
    await upstream.putObject(location.region, location.destinationBucket, key, gz);
    files.push({ key, size: gz.length, MD5checksum: md5(gz) });
  }
  return files;
}

/**
 * Writes `base/{YYYY-MM-DDTHH-MMZ}/manifest.json`, then `manifest.checksum` beside it (the
 * hex MD5 of the manifest's bytes); returns the manifest's key.
 */
export async function writeManifest(
  upstream: Upstream,
  location: ReportLocation,
  facts: ManifestFacts,
  files: readonly DataFile[],
): Promise<string> {
  const manifest = Buffer.from(
    JSON.stringify(
      {
        sourceBucket: facts.sourceBucket,
        destinationBucket: facts.destinationArn,
        version: '2016-11-30',
        creationTimestamp: String(facts.at.getTime()),
        fileFormat: 'CSV',
        fileSchema: facts.columns.join(', '),
        files,
      },
      null,
      2,
    ),
    'utf8',
  );
  const folder = `${location.base}${scanFolder(facts.at)}/`;
  const { region, destinationBucket } = location;
  // The manifest last, its checksum after it: S3's signal that the report is complete.
  await upstream.putObject(region, destinationBucket, `${folder}manifest.json`, manifest);
  await upstream.putObject(
    region,
    destinationBucket,
    `${folder}manifest.checksum`,
    Buffer.from(md5(manifest), 'utf8'),
  );
  return `${folder}manifest.json`;
}

/** `YYYY-MM-DDTHH-MMZ` (UTC), the manifest's folder. */
function scanFolder(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace(':', '-')}Z`;
}

function md5(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('hex');
}
