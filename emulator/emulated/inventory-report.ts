import {
  GetBucketInventoryConfigurationCommand,
  type InventoryConfiguration,
} from '@aws-sdk/client-s3';
import { InvalidTestCloudSettingError } from '../errors.js';
import { InventoryConfigurationMemory } from './inventory-configurations.js';
import { writeDataFiles, writeManifest, type ReportLocation } from './inventory-files.js';
import { listInventoryEntries } from './inventory-listing.js';
import {
  EMULATED_OPTIONAL_FIELDS,
  inventoryColumns,
  inventoryRows,
  isEmulatedOptionalField,
  type RowShape,
} from './inventory-rows.js';
import type { Upstream } from './upstream.js';

export { inventoryKey } from './inventory-rows.js';

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

/** A configuration found deliverable: where its report goes and what its rows hold. */
interface ReportPlan extends RowShape {
  /** The destination bucket's ARN, as the configuration names it. */
  destinationArn: string;
  destinationBucket: string;
  /** `[Prefix/]source/configId/`: the report's folder in the destination bucket. */
  base: string;
  /** The configuration's Filter.Prefix: what of the source is listed. */
  prefix: string;
}

/**
 * S3 Inventory, which moto stores but never delivers: `deliver()` writes the report S3
 * would publish for a configuration (gzip CSV data files, manifest.json,
 * manifest.checksum) into moto's S3. What moto loses of a configuration is remembered and
 * restored (inventory-configurations.ts; see emulator/README.md, "S3 Inventory reports").
 */
export class InventoryReports {
  private readonly memory = new InventoryConfigurationMemory();

  constructor(private readonly upstream: Upstream) {}

  clear(): void {
    this.memory.clear();
  }

  remembersAny(): boolean {
    return this.memory.remembersAny();
  }

  /** See InventoryConfigurationMemory.rememberOnSuccess. */
  rememberOnSuccess(bucket: string, body: Buffer | undefined): (() => void) | undefined {
    return this.memory.rememberOnSuccess(bucket, body);
  }

  /** See InventoryConfigurationMemory.correctAnswer. */
  correctAnswer(bucket: string, xml: string): string {
    return this.memory.correctAnswer(bucket, xml);
  }

  /** Writes the report S3 would deliver now for the configuration; see the README. */
  async deliver(request: InventoryReportRequest): Promise<DeliveredInventoryReport> {
    const { sourceBucket, configurationId, region, rowsPerFile, at } = checkRequest(request);
    const configuration = await this.configuration(region, sourceBucket, configurationId);
    const plan = planReport(configuration, sourceBucket, configurationId);
    if (!(await this.upstream.bucketExists(region, plan.destinationBucket))) {
      throw new InvalidTestCloudSettingError(
        `${describe(plan)} delivers to bucket ${plan.destinationBucket}, which does not exist`,
      );
    }
    const source = { region, bucket: sourceBucket, prefix: plan.prefix };
    const entries = await listInventoryEntries(this.upstream, source, plan.allVersions);
    const rows = inventoryRows(entries, plan);
    const location: ReportLocation = {
      region,
      destinationBucket: plan.destinationBucket,
      base: plan.base,
    };
    const files = await writeDataFiles(this.upstream, location, rows, rowsPerFile);
    const facts = {
      sourceBucket,
      destinationArn: plan.destinationArn,
      at,
      columns: inventoryColumns(plan),
    };
    return {
      manifestKey: await writeManifest(this.upstream, location, facts, files),
      destinationBucket: plan.destinationBucket,
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
    return this.memory.restore(bucket, id, configuration);
  }
}

/**
 * What a configuration's report is, once it is found deliverable: enabled, CSV, an ARN
 * destination, emulated optional fields, All or Current versions. Throws
 * InvalidTestCloudSettingError saying which it is not.
 */
function planReport(
  configuration: InventoryConfiguration,
  sourceBucket: string,
  configurationId: string,
): ReportPlan {
  const what = describe({ sourceBucket, configurationId });
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
  const unsupported = optionalFields.filter((field) => !isEmulatedOptionalField(field));
  if (unsupported.length > 0) {
    throw new InvalidTestCloudSettingError(
      `${what} asks for optional field(s) the test cloud does not emulate: ${unsupported.join(', ')} (emulated: ${EMULATED_OPTIONAL_FIELDS.join(', ')})`,
    );
  }
  const allVersions = configuration.IncludedObjectVersions === 'All';
  if (!allVersions && configuration.IncludedObjectVersions !== 'Current') {
    throw new InvalidTestCloudSettingError(
      `${what} has IncludedObjectVersions ${String(configuration.IncludedObjectVersions)}, not All or Current`,
    );
  }
  const folder =
    destination.Prefix === undefined || destination.Prefix === '' ? '' : `${destination.Prefix}/`;
  return {
    sourceBucket,
    configurationId,
    allVersions,
    optionalFields,
    destinationArn,
    destinationBucket,
    base: `${folder}${sourceBucket}/${configurationId}/`,
    prefix: configuration.Filter?.Prefix ?? '',
  };
}

/** How messages name a configuration. */
function describe(configuration: { sourceBucket: string; configurationId: string }): string {
  return `inventory configuration "${configuration.configurationId}" of bucket ${configuration.sourceBucket}`;
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
