import { createHash, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  GetBucketInventoryConfigurationCommand,
  ListObjectVersionsCommand,
  paginateListObjectsV2,
  type InventoryConfiguration,
} from '@aws-sdk/client-s3';
import { InvalidTestCloudSettingError } from '../errors.js';
import { seededRandom } from '../seeded-random.js';
import {
  applySplices,
  child,
  escapeXml,
  parseXmlElements,
  textOf,
  unescapeXml,
  type Splice,
  type XmlElement,
} from '../xml-elements.js';
import type { Upstream } from './upstream.js';

/** What `deliverInventoryReport` is asked for. */
export interface InventoryReportRequest {
  /** The bucket the inventory configuration belongs to (the one listed). */
  sourceBucket: string;
  /** The inventory configuration's Id. */
  configurationId: string;
  /** Credential scope of the calls to moto. Default us-east-1. */
  region?: string;
  /** Rows per gzip CSV data file. Default 1000. */
  rowsPerFile?: number;
  /** When S3 "began the scan": manifest folder and creationTimestamp. Default now. */
  at?: Date;
}

/** A report the test cloud wrote into the destination bucket. */
export interface DeliveredInventoryReport {
  /** `[P/]source/configId/YYYY-MM-DDTHH-MMZ/manifest.json` in the destination bucket. */
  manifestKey: string;
  /** The destination bucket's name (the manifest names it by ARN). */
  destinationBucket: string;
  /** Keys of the data files, as the manifest lists them. */
  files: string[];
  /** Rows written (objects, or versions and delete markers). */
  objects: number;
}

export const DEFAULT_ROWS_PER_FILE = 1000;
const MAX_ROWS_PER_FILE = 1_000_000;
const REQUEST_FIELDS = new Set(['sourceBucket', 'configurationId', 'region', 'rowsPerFile', 'at']);
const BUCKET_ARN = /^arn:aws[a-z-]*:s3:::([^/]+)$/;

/** One object, version or delete marker, as moto lists it. */
interface InventoryEntry {
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

/** The optional fields the emulation can fill from moto's listings. */
const OPTIONAL_FIELDS: Record<string, (entry: InventoryEntry) => string> = {
  Size: (e) => (e.isDeleteMarker === true ? '' : String(e.size ?? 0)),
  LastModifiedDate: (e) => e.lastModified?.toISOString() ?? '',
  ETag: (e) => (e.eTag ?? '').replaceAll('"', ''),
  StorageClass: (e) => (e.isDeleteMarker === true ? '' : (e.storageClass ?? 'STANDARD')),
  IsMultipartUploaded: (e) =>
    e.isDeleteMarker === true ? '' : String(/-\d+$/.test((e.eTag ?? '').replaceAll('"', ''))),
  ChecksumAlgorithm: (e) => e.checksumAlgorithm ?? '',
};

/** What moto loses of a configuration put through the test cloud. */
interface RememberedConfiguration {
  includedObjectVersions: string | undefined;
  optionalFields: string[];
}

/**
 * S3 Inventory, which moto stores but never delivers: `deliver()` writes the report S3
 * would publish for a configuration (gzip CSV data files, manifest.json,
 * manifest.checksum) into moto's S3. moto also forgets a configuration's
 * IncludedObjectVersions (always answering `All`) and garbles a single optional field, so
 * configurations put through the test cloud are remembered and moto's Get/List answers
 * corrected (see emulator/README.md, "S3 Inventory reports").
 */
export class InventoryReports {
  /** `bucket/id` → what the last PutBucketInventoryConfiguration through us said. */
  private readonly remembered = new Map<string, RememberedConfiguration>();

  constructor(private readonly upstream: Upstream) {}

  clear(): void {
    this.remembered.clear();
  }

  remembersAny(): boolean {
    return this.remembered.size > 0;
  }

  /**
   * For a PutBucketInventoryConfiguration body: a function to call once moto has accepted
   * it, remembering what moto loses. Undefined when the body is not a configuration.
   */
  rememberOnSuccess(bucket: string, body: Buffer | undefined): (() => void) | undefined {
    if (body === undefined) return undefined;
    const xml = body.toString('utf8');
    const root = parseXmlElements(xml);
    if (root?.name !== 'InventoryConfiguration') return undefined;
    const id = child(root, 'Id');
    if (id === undefined) return undefined;
    const versions = child(root, 'IncludedObjectVersions');
    const configuration: RememberedConfiguration = {
      includedObjectVersions: versions === undefined ? undefined : text(xml, versions),
      optionalFields: (child(root, 'OptionalFields')?.children ?? [])
        .filter((field) => field.name === 'Field')
        .map((field) => text(xml, field)),
    };
    const key = memoryKey(bucket, text(xml, id));
    return () => this.remembered.set(key, configuration);
  }

  /**
   * moto's GetBucketInventoryConfiguration / ListBucketInventoryConfigurations answer
   * with IncludedObjectVersions and OptionalFields as put through the test cloud.
   */
  correctAnswer(bucket: string, xml: string): string {
    const root = parseXmlElements(xml);
    if (root === undefined) return xml;
    const configurations =
      root.name === 'InventoryConfiguration'
        ? [root]
        : root.children.filter((c) => c.name === 'InventoryConfiguration');
    const splices: Splice[] = [];
    for (const configuration of configurations) {
      const id = child(configuration, 'Id');
      if (id === undefined) continue;
      const memory = this.remembered.get(memoryKey(bucket, text(xml, id)));
      if (memory === undefined) continue;
      const versions = child(configuration, 'IncludedObjectVersions');
      if (versions !== undefined && memory.includedObjectVersions !== undefined) {
        splices.push({
          start: versions.contentStart,
          end: versions.contentEnd,
          text: escapeXml(memory.includedObjectVersions),
        });
      }
      const rendered =
        memory.optionalFields.length === 0
          ? ''
          : `<OptionalFields>${memory.optionalFields.map((f) => `<Field>${escapeXml(f)}</Field>`).join('')}</OptionalFields>`;
      const fields = child(configuration, 'OptionalFields');
      if (fields !== undefined)
        splices.push({ start: fields.start, end: fields.end, text: rendered });
      else if (rendered !== '')
        splices.push({
          start: configuration.contentEnd,
          end: configuration.contentEnd,
          text: rendered,
        });
    }
    return applySplices(xml, splices);
  }

  /** Writes the report S3 would deliver now for the configuration; see the README. */
  async deliver(request: InventoryReportRequest): Promise<DeliveredInventoryReport> {
    const { sourceBucket, configurationId, region, rowsPerFile, at } = checkRequest(request);
    const configuration = await this.configuration(region, sourceBucket, configurationId);
    const what = `inventory configuration "${configurationId}" of bucket ${sourceBucket}`;
    if (configuration.IsEnabled !== true)
      throw new InvalidTestCloudSettingError(`${what} is disabled: S3 delivers no report for it`);
    const destination = configuration.Destination?.S3BucketDestination;
    if (destination?.Format !== 'CSV') {
      throw new InvalidTestCloudSettingError(
        `${what} has format ${destination?.Format ?? '(none)'}: the test cloud writes CSV reports only`,
      );
    }
    const destinationArn = destination.Bucket ?? '';
    const destinationBucket = BUCKET_ARN.exec(destinationArn)?.[1];
    if (destinationBucket === undefined) {
      throw new InvalidTestCloudSettingError(
        `${what} has destination bucket ${JSON.stringify(destinationArn)}, not an ARN arn:aws:s3:::name`,
      );
    }
    const optionalFields = (configuration.OptionalFields ?? []).map(String);
    const unsupported = optionalFields.filter((field) => OPTIONAL_FIELDS[field] === undefined);
    if (unsupported.length > 0) {
      throw new InvalidTestCloudSettingError(
        `${what} asks for optional field(s) the test cloud does not emulate: ${unsupported.join(', ')} (emulated: ${Object.keys(OPTIONAL_FIELDS).join(', ')})`,
      );
    }
    const allVersions = configuration.IncludedObjectVersions === 'All';
    if (!allVersions && configuration.IncludedObjectVersions !== 'Current') {
      throw new InvalidTestCloudSettingError(
        `${what} has IncludedObjectVersions ${String(configuration.IncludedObjectVersions)}, not All or Current`,
      );
    }
    if (!(await this.upstream.bucketExists(region, destinationBucket))) {
      throw new InvalidTestCloudSettingError(
        `${what} delivers to bucket ${destinationBucket}, which does not exist`,
      );
    }

    const prefix = configuration.Filter?.Prefix ?? '';
    const entries = allVersions
      ? await this.versions(region, sourceBucket, prefix)
      : await this.objects(region, sourceBucket, prefix);
    const columns = [
      'Bucket',
      'Key',
      ...(allVersions ? ['VersionId', 'IsLatest', 'IsDeleteMarker'] : []),
      ...optionalFields,
    ];
    const rows = shuffled(
      entries.map((entry) =>
        csvRow([
          sourceBucket,
          inventoryKey(entry.key),
          ...(allVersions
            ? [
                entry.versionId === undefined || entry.versionId === 'null' ? '' : entry.versionId,
                String(entry.isLatest === true),
                String(entry.isDeleteMarker === true),
              ]
            : []),
          ...optionalFields.map((field) => OPTIONAL_FIELDS[field]?.(entry) ?? ''),
        ]),
      ),
      `${sourceBucket}/${configurationId}`,
    );

    const base = `${destination.Prefix === undefined || destination.Prefix === '' ? '' : `${destination.Prefix}/`}${sourceBucket}/${configurationId}/`;
    const files: { key: string; size: number; MD5checksum: string }[] = [];
    for (let start = 0; start < rows.length; start += rowsPerFile) {
      const gz = gzipSync(Buffer.from(rows.slice(start, start + rowsPerFile).join(''), 'utf8'));
      const key = `${base}data/${randomUUID()}.csv.gz`;
      await this.upstream.putObject(region, destinationBucket, key, gz);
      files.push({ key, size: gz.length, MD5checksum: md5(gz) });
    }
    const manifest = Buffer.from(
      JSON.stringify(
        {
          sourceBucket,
          destinationBucket: destinationArn,
          version: '2016-11-30',
          creationTimestamp: String(at.getTime()),
          fileFormat: 'CSV',
          fileSchema: columns.join(', '),
          files,
        },
        null,
        2,
      ),
      'utf8',
    );
    const folder = `${base}${scanFolder(at)}/`;
    // The manifest last, its checksum after it: S3's signal that the report is complete.
    await this.upstream.putObject(region, destinationBucket, `${folder}manifest.json`, manifest);
    await this.upstream.putObject(
      region,
      destinationBucket,
      `${folder}manifest.checksum`,
      Buffer.from(md5(manifest), 'utf8'),
    );
    return {
      manifestKey: `${folder}manifest.json`,
      destinationBucket,
      files: files.map((file) => file.key),
      objects: rows.length,
    };
  }

  /** The configuration as moto keeps it, with what moto loses restored. */
  private async configuration(
    region: string,
    bucket: string,
    id: string,
  ): Promise<InventoryConfiguration> {
    let configuration: InventoryConfiguration | undefined;
    try {
      configuration = (
        await this.upstream
          .s3Client(region)
          .send(new GetBucketInventoryConfigurationCommand({ Bucket: bucket, Id: id }))
      ).InventoryConfiguration;
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'NoSuchBucket')
        throw new InvalidTestCloudSettingError(`source bucket ${bucket} does not exist`);
      if (name === 'NoSuchInventoryConfig' || name === 'NotFound') {
        throw new InvalidTestCloudSettingError(
          `bucket ${bucket} has no inventory configuration "${id}"`,
        );
      }
      throw error;
    }
    if (configuration === undefined) {
      throw new InvalidTestCloudSettingError(
        `bucket ${bucket} has no inventory configuration "${id}"`,
      );
    }
    const memory = this.remembered.get(memoryKey(bucket, id));
    if (memory !== undefined) {
      return {
        ...configuration,
        IncludedObjectVersions: memory.includedObjectVersions as 'All' | 'Current',
        OptionalFields: memory.optionalFields as InventoryConfiguration['OptionalFields'],
      };
    }
    // Put straight into moto: its IncludedObjectVersions is always `All`, whatever was put,
    // so it says nothing; and one optional field comes back split into characters.
    const fields = configuration.OptionalFields ?? [];
    return {
      ...configuration,
      IncludedObjectVersions: 'Current',
      OptionalFields:
        fields.length > 1 && fields.every((f) => f.length === 1)
          ? ([fields.join('')] as InventoryConfiguration['OptionalFields'])
          : fields,
    };
  }

  private async objects(region: string, bucket: string, prefix: string): Promise<InventoryEntry[]> {
    const entries: InventoryEntry[] = [];
    const pages = paginateListObjectsV2(
      { client: this.upstream.s3Client(region) },
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

  private async versions(
    region: string,
    bucket: string,
    prefix: string,
  ): Promise<InventoryEntry[]> {
    const entries: InventoryEntry[] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    for (;;) {
      const page = await this.upstream.s3Client(region).send(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          ...(prefix === '' ? {} : { Prefix: prefix }),
          ...(keyMarker === undefined ? {} : { KeyMarker: keyMarker }),
          ...(versionIdMarker === undefined ? {} : { VersionIdMarker: versionIdMarker }),
        }),
      );
      for (const version of page.Versions ?? []) {
        entries.push({
          key: version.Key ?? '',
          versionId: version.VersionId,
          isLatest: version.IsLatest,
          isDeleteMarker: false,
          size: version.Size,
          lastModified: version.LastModified,
          eTag: version.ETag,
          storageClass: version.StorageClass,
          checksumAlgorithm: version.ChecksumAlgorithm?.[0],
        });
      }
      for (const marker of page.DeleteMarkers ?? []) {
        entries.push({
          key: marker.Key ?? '',
          versionId: marker.VersionId,
          isLatest: marker.IsLatest,
          isDeleteMarker: true,
          lastModified: marker.LastModified,
        });
      }
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
}

/** Validated request with defaults; throws InvalidTestCloudSettingError. */
function checkRequest(request: unknown): Required<InventoryReportRequest> {
  if (typeof request !== 'object' || request === null || Array.isArray(request))
    throw new InvalidTestCloudSettingError('an inventory report request must be an object');
  const fields = request as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((name) => !REQUEST_FIELDS.has(name));
  if (unknown.length > 0) {
    throw new InvalidTestCloudSettingError(
      `unknown inventory report request field(s): ${unknown.join(', ')}`,
    );
  }
  const { sourceBucket, configurationId, region, rowsPerFile, at } = fields;
  const nonEmpty = (name: string, value: unknown): string => {
    if (typeof value !== 'string' || value === '') {
      throw new InvalidTestCloudSettingError(
        `${name} must be a non-empty string, got ${JSON.stringify(value)}`,
      );
    }
    return value;
  };
  const checked = {
    sourceBucket: nonEmpty('sourceBucket', sourceBucket),
    configurationId: nonEmpty('configurationId', configurationId),
    region: region === undefined ? 'us-east-1' : nonEmpty('region', region),
  };
  if (
    rowsPerFile !== undefined &&
    (typeof rowsPerFile !== 'number' ||
      !Number.isInteger(rowsPerFile) ||
      rowsPerFile < 1 ||
      rowsPerFile > MAX_ROWS_PER_FILE)
  ) {
    throw new InvalidTestCloudSettingError(
      `rowsPerFile must be an integer from 1 to ${MAX_ROWS_PER_FILE}, got ${JSON.stringify(rowsPerFile)}`,
    );
  }
  if (at !== undefined && !(at instanceof Date && !Number.isNaN(at.getTime())))
    throw new InvalidTestCloudSettingError(`at must be a valid Date, got ${JSON.stringify(at)}`);
  return {
    ...checked,
    rowsPerFile: rowsPerFile ?? DEFAULT_ROWS_PER_FILE,
    at: at ?? new Date(),
  };
}

/**
 * A key as inventory CSV writes it: URL-encoded, form style. Assumed (AWS documents only
 * "URL-encoded"): `encodeURIComponent`, then `%20` written `+`, so a literal `+` is `%2B`.
 */
export function inventoryKey(key: string): string {
  return encodeURIComponent(key).replaceAll('%20', '+');
}

/** Every field double-quoted, comma-separated, `\n`-terminated; no header. */
function csvRow(fields: string[]): string {
  return `${fields.map((field) => `"${field.replaceAll('"', '""')}"`).join(',')}\n`;
}

/** A seeded shuffle (the same rows give the same order), never left in key order. */
function shuffled(rows: string[], seed: string): string[] {
  const random = seededRandom(fnv1a(seed));
  const out = [...rows];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = out[i] as string;
    out[i] = out[j] as string;
    out[j] = swap;
  }
  if (out.length > 1 && out.every((row, i) => row === rows[i])) out.push(out.shift() as string);
  return out;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

/** `YYYY-MM-DDTHH-MMZ` (UTC), the manifest's folder. */
function scanFolder(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace(':', '-')}Z`;
}

function md5(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('hex');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function text(xml: string, element: XmlElement): string {
  return unescapeXml(textOf(xml, element));
}

function memoryKey(bucket: string, id: string): string {
  return `${bucket}/${id}`;
}
