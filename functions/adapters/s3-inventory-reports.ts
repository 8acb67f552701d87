import {
  GetObjectCommand,
  ListBucketInventoryConfigurationsCommand,
  ListObjectsV2Command,
  S3Client,
  type InventoryConfiguration,
} from '@aws-sdk/client-s3';
import { parse } from 'csv-parse';
import { pipeline, type Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { createGunzip } from 'node:zlib';
import * as z from 'zod';
import type { InventoryReport, InventoryReports } from '../ports/inventory-reports.js';
import { s3ClientConfig } from './aws-client-config.js';
import { translateAwsError } from './aws-error-translation.js';

/** manifest.json of an S3 Inventory report (the fields this product reads). */
const InventoryManifestSchema = z.object({
  sourceBucket: z.string(),
  destinationBucket: z.string(),
  creationTimestamp: z.string().optional(),
  fileFormat: z.string(),
  fileSchema: z.string(),
  files: z.array(z.object({ key: z.string(), size: z.number() })),
});

/** The timestamp folder a report's manifest lives in: `YYYY-MM-DDTHH-MMZ/`. */
const reportFolder = /\/(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})Z\/$/;

export class S3InventoryReports implements InventoryReports {
  private readonly client: S3Client;

  constructor(region: string, client?: S3Client) {
    this.client = client ?? new S3Client(s3ClientConfig(region));
  }

  async latestReport(sourceBucket: string): Promise<InventoryReport | undefined> {
    let newest: InventoryReport | undefined;
    for (const configuration of await this.usableConfigurations(sourceBucket)) {
      const destination = configuration.Destination!.S3BucketDestination!;
      const bucket = destination.Bucket!.replace(/^arn:aws[a-z-]*:s3:::/, '');
      const base = `${destination.Prefix ? `${destination.Prefix.replace(/\/$/, '')}/` : ''}${sourceBucket}/${configuration.Id}/`;
      const folder = await this.newestReportFolder(bucket, base);
      if (!folder) continue;
      const report = await this.readManifest(
        bucket,
        `${folder.prefix}manifest.json`,
        folder.createdAt,
      );
      if (report && (!newest || report.createdAt > newest.createdAt)) newest = report;
    }
    return newest;
  }

  async *keysIn(report: InventoryReport, fileKey: string): AsyncIterable<string> {
    const keyColumn = report.columns.indexOf('Key');
    const latestColumn = report.columns.indexOf('IsLatest');
    const markerColumn = report.columns.indexOf('IsDeleteMarker');
    const body = await this.read(report.destinationBucket, fileKey);
    if (!body) return;
    // pipeline, not pipe: a dropped connection or a broken gzip must fail the reading loop.
    const rows = parse({ relaxColumnCount: true });
    pipeline(body, createGunzip(), rows, (error) => {
      if (error) rows.destroy(error);
    });
    for await (const row of rows as AsyncIterable<string[]>) {
      // Reports of all versions list each key once per version; the current one stands for it.
      if (latestColumn >= 0 && row[latestColumn] !== 'true') continue;
      if (markerColumn >= 0 && row[markerColumn] === 'true') continue;
      const raw = row[keyColumn];
      if (raw !== undefined) yield decodeInventoryKey(raw);
    }
  }

  /** Enabled CSV inventories of the whole bucket (a prefix filter would not describe it all). */
  private async usableConfigurations(sourceBucket: string): Promise<InventoryConfiguration[]> {
    const usable: InventoryConfiguration[] = [];
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListBucketInventoryConfigurationsCommand({
            Bucket: sourceBucket,
            ContinuationToken: token,
          }),
        );
      } catch (error) {
        // No inventory, or not allowed to read its configuration: ranges are planned without it.
        if (['NoSuchConfiguration', 'AccessDenied'].includes((error as Error).name)) return [];
        throw translateAwsError('ListBucketInventoryConfigurations', error);
      }
      for (const configuration of page.InventoryConfigurationList ?? []) {
        const destination = configuration.Destination?.S3BucketDestination;
        if (
          configuration.IsEnabled &&
          destination?.Format === 'CSV' &&
          destination.Bucket &&
          !configuration.Filter?.Prefix
        )
          usable.push(configuration);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return usable;
  }

  private async newestReportFolder(
    bucket: string,
    base: string,
  ): Promise<{ prefix: string; createdAt: string } | undefined> {
    let newest: { prefix: string; createdAt: string } | undefined;
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: base,
            Delimiter: '/',
            ContinuationToken: token,
          }),
        );
      } catch (error) {
        throw translateAwsError('ListObjectsV2', error);
      }
      for (const { Prefix: prefix } of page.CommonPrefixes ?? []) {
        const match = prefix ? reportFolder.exec(prefix) : null;
        if (!prefix || !match) continue;
        const createdAt = `${match[1]}T${match[2]}:${match[3]}:00.000Z`;
        if (!newest || createdAt > newest.createdAt) newest = { prefix, createdAt };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return newest;
  }

  private async readManifest(
    bucket: string,
    key: string,
    createdAt: string,
  ): Promise<InventoryReport | undefined> {
    const body = await this.read(bucket, key);
    if (!body) return undefined;
    const parsed = InventoryManifestSchema.safeParse(
      JSON.parse((await buffer(body)).toString('utf8')),
    );
    if (!parsed.success || parsed.data.fileFormat !== 'CSV') return undefined;
    return {
      sourceBucket: parsed.data.sourceBucket,
      createdAt,
      destinationBucket: bucket,
      files: parsed.data.files.map(({ key: fileKey, size }) => ({ key: fileKey, size })),
      columns: parsed.data.fileSchema.split(',').map((column) => column.trim()),
    };
  }

  private async read(bucket: string, key: string): Promise<Readable | undefined> {
    try {
      const output = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return output.Body as Readable;
    } catch (error) {
      if ((error as Error).name === 'NoSuchKey') return undefined;
      throw translateAwsError('GetObject', error);
    }
  }
}

/** Inventory CSV keys are URL-encoded, a space as `+` (so a literal `+` is `%2B`). */
export function decodeInventoryKey(raw: string): string {
  return decodeURIComponent(raw.replace(/\+/g, ' '));
}
