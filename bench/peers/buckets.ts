/**
 * The benchmark's buckets, set up and checked straight through moto (not the counting test
 * cloud, so none of it is counted): the source bucket of N objects and one versioned
 * destination bucket per tool; after each phase, each destination compared with the source.
 */
import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import pLimit from 'p-limit';

export interface BucketLayout {
  sourceBucket: string;
  sourceRegion: string;
  destinationRegion: string;
}

export class BenchBuckets {
  private readonly source: S3Client;
  private readonly destination: S3Client;

  constructor(
    motoEndpoint: string,
    readonly layout: BucketLayout,
  ) {
    this.source = direct(motoEndpoint, layout.sourceRegion);
    this.destination = direct(motoEndpoint, layout.destinationRegion);
  }

  async createSource(): Promise<void> {
    await this.source.send(new CreateBucketCommand({ Bucket: this.layout.sourceBucket }));
  }

  /** A versioned bucket in the destination region. */
  async createDestination(bucket: string): Promise<void> {
    await this.destination.send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: {
          LocationConstraint: this.layout.destinationRegion as BucketLocationConstraint,
        },
      }),
    );
    await this.destination.send(
      new PutBucketVersioningCommand({
        Bucket: bucket,
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
  }

  /** Opts the source bucket in to the product's policy (its `backup:policy` tag). */
  async tagSource(policy: string): Promise<void> {
    await this.source.send(
      new PutBucketTaggingCommand({
        Bucket: this.layout.sourceBucket,
        Tagging: { TagSet: [{ Key: 'backup:policy', Value: policy }] },
      }),
    );
  }

  async putAll(entries: { key: string; body: Buffer }[]): Promise<void> {
    const limit = pLimit(32);
    await Promise.all(
      entries.map(({ key, body }) =>
        limit(() =>
          this.source.send(
            new PutObjectCommand({ Bucket: this.layout.sourceBucket, Key: key, Body: body }),
          ),
        ),
      ),
    );
  }

  /** Key → ETag of every current source object. */
  sourceListing(): Promise<Map<string, string>> {
    return listing(this.source, this.layout.sourceBucket, '');
  }

  /**
   * The tool's copy under `<sourceBucket>/` against the source listing: "ok" or what differs;
   * and how many versions (noncurrent included) the destination holds there.
   */
  async check(
    destinationBucket: string,
    source: Map<string, string>,
  ): Promise<{ check: string; versions: number }> {
    const prefix = `${this.layout.sourceBucket}/`;
    const copy = await listing(this.destination, destinationBucket, prefix);
    await this.multipartContent(destinationBucket, prefix, source, copy);
    const check = compare(source, copy);
    const versions = await versionCount(this.destination, destinationBucket, prefix);
    return { check, versions };
  }

  /**
   * A multipart copy's ETag (`"…-N"`) is not the single-part source's MD5: for those keys the
   * copy's bytes are read and their MD5 stands in for its ETag in the comparison.
   */
  private async multipartContent(
    bucket: string,
    prefix: string,
    source: Map<string, string>,
    copy: Map<string, string>,
  ): Promise<void> {
    for (const [key, etag] of copy) {
      if (!etag.includes('-') || source.get(key) === etag) continue;
      const answer = await this.destination.send(
        new GetObjectCommand({ Bucket: bucket, Key: prefix + key }),
      );
      const bytes = await answer.Body!.transformToByteArray();
      copy.set(key, `"${createHash('md5').update(bytes).digest('hex')}"`);
    }
  }
}

function direct(endpoint: string, region: string): S3Client {
  return new S3Client({
    region,
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
}

/** Key → ETag of every current object under `prefix`, straight from moto. */
async function listing(
  client: S3Client,
  bucket: string,
  prefix: string,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let token: string | undefined;
  for (let page = 0; page < 100_000; page++) {
    const answer = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    for (const item of answer.Contents ?? [])
      found.set(item.Key!.slice(prefix.length), item.ETag ?? '');
    token = answer.NextContinuationToken;
    if (!answer.IsTruncated || !token) break;
  }
  return found;
}

/** How many versions (noncurrent included) the destination holds under `prefix`. */
async function versionCount(client: S3Client, bucket: string, prefix: string): Promise<number> {
  let count = 0;
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  for (let page = 0; page < 100_000; page++) {
    const answer = await client.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        Prefix: prefix,
        ...(keyMarker ? { KeyMarker: keyMarker } : {}),
        ...(versionMarker ? { VersionIdMarker: versionMarker } : {}),
      }),
    );
    count += (answer.Versions ?? []).length;
    keyMarker = answer.NextKeyMarker;
    versionMarker = answer.NextVersionIdMarker;
    if (!answer.IsTruncated || !keyMarker) break;
  }
  return count;
}

/** "ok" or what differs between the source and the tool's copy of it. */
function compare(source: Map<string, string>, copy: Map<string, string>): string {
  let missing = 0;
  let stale = 0;
  let extra = 0;
  const samples: string[] = [];
  for (const [key, etag] of source) {
    const copied = copy.get(key);
    if (copied === undefined) missing++;
    else if (copied !== etag) stale++;
    else continue;
    if (samples.length < 2) samples.push(JSON.stringify(key));
  }
  for (const key of copy.keys()) if (!source.has(key)) extra++;
  if (missing + stale + extra === 0) return 'ok';
  return (
    [missing && `${missing} missing`, stale && `${stale} stale`, extra && `${extra} extra`]
      .filter(Boolean)
      .join(', ') + (samples.length ? ` (e.g. ${samples.join(', ')})` : '')
  );
}
