import { Agent, request } from 'node:http';
import {
  CreateTagsCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  RegisterImageCommand,
  type Image,
  type Snapshot,
} from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';

/** What the emulated operations need to know about an instance, as moto reports it. */
export interface InstanceFacts {
  instanceId: string;
  imageId: string;
  /** `pending`, `running`, `stopped`, `terminated`... */
  state: string;
  privateIp: string | undefined;
  tags: Record<string, string>;
}

/**
 * Plain AWS calls straight to moto, for the facts the emulated operations need (does an
 * image or snapshot exist, an instance's image and private IP) and the objects they
 * write. These bypass the test cloud: they are neither counted nor faulted.
 */
export class Upstream {
  private readonly clients = new Map<string, EC2Client>();
  private readonly s3Clients = new Map<string, S3Client>();
  // moto's dev server closes every connection; pooled sockets only risk a reset.
  private readonly agent = new Agent({ keepAlive: false });

  constructor(private readonly endpoint: string) {}

  /** The image as moto describes it in that region, or undefined. */
  async findImage(region: string, imageId: string): Promise<Image | undefined> {
    try {
      const out = await this.ec2(region).send(new DescribeImagesCommand({ ImageIds: [imageId] }));
      return out.Images?.find((image) => image.ImageId === imageId);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** The snapshot as moto describes it in that region, or undefined. */
  async findSnapshot(region: string, snapshotId: string): Promise<Snapshot | undefined> {
    try {
      const out = await this.ec2(region).send(
        new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] }),
      );
      return out.Snapshots?.find((snapshot) => snapshot.SnapshotId === snapshotId);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Instances in the region (all of them, or the ones named; unknown ids are skipped). */
  async instances(region: string, ids?: readonly string[]): Promise<InstanceFacts[]> {
    let reservations;
    try {
      const out = await this.ec2(region).send(
        new DescribeInstancesCommand(ids === undefined ? {} : { InstanceIds: [...ids] }),
      );
      reservations = out.Reservations ?? [];
    } catch (error) {
      if (isNotFound(error) && ids !== undefined && ids.length > 1) {
        // One unknown id fails the whole call; ask one by one.
        const each = await Promise.all(ids.map((id) => this.instances(region, [id])));
        return each.flat();
      }
      if (isNotFound(error)) return [];
      throw error;
    }
    return reservations.flatMap((reservation) =>
      (reservation.Instances ?? []).map((instance) => ({
        instanceId: instance.InstanceId ?? '',
        imageId: instance.ImageId ?? '',
        state: instance.State?.Name ?? 'unknown',
        privateIp: instance.PrivateIpAddress,
        tags: Object.fromEntries((instance.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
      })),
    );
  }

  async instance(region: string, instanceId: string): Promise<InstanceFacts | undefined> {
    return (await this.instances(region, [instanceId]))[0];
  }

  async bucketExists(region: string, bucket: string): Promise<boolean> {
    const res = await this.s3(region, 'HEAD', `/${encodeURIComponent(bucket)}`);
    return res.status === 200;
  }

  /** PUT an object into moto's S3, with object tags when given. Throws unless moto says 200. */
  async putObject(
    region: string,
    bucket: string,
    key: string,
    body: Buffer,
    tags: Readonly<Record<string, string>> = {},
  ): Promise<void> {
    const tagging = new URLSearchParams(Object.entries(tags)).toString();
    const path = `/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
    const res = await this.s3(region, 'PUT', path, body, {
      'content-type': 'application/octet-stream',
      ...(tagging === '' ? {} : { 'x-amz-tagging': tagging }),
    });
    if (res.status !== 200) {
      throw new Error(`moto PutObject s3://${bucket}/${key} answered ${res.status}: ${res.body}`);
    }
  }

  /** The id of this account's image with that name in the region, if there is one. */
  async imageIdNamed(region: string, name: string): Promise<string | undefined> {
    const out = await this.ec2(region).send(
      new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'name', Values: [name] }] }),
    );
    return out.Images?.[0]?.ImageId;
  }

  /** RegisterImage in moto (a bare image with that name), tagged with CreateTags; returns its id. */
  async registerImage(
    region: string,
    name: string,
    description: string,
    tags: Readonly<Record<string, string>>,
  ): Promise<string> {
    const out = await this.ec2(region).send(
      new RegisterImageCommand({ Name: name, Description: description }),
    );
    const imageId = out.ImageId ?? '';
    const tagList = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    if (tagList.length > 0) {
      await this.ec2(region).send(new CreateTagsCommand({ Resources: [imageId], Tags: tagList }));
    }
    return imageId;
  }

  /** An S3 client straight to moto (path-style), for reads the raw helpers do not cover. */
  s3Client(region: string): S3Client {
    let client = this.s3Clients.get(region);
    if (client === undefined) {
      client = new S3Client({
        endpoint: this.endpoint,
        region,
        forcePathStyle: true,
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
        maxAttempts: 3,
        requestHandler: { httpAgent: this.agent },
      });
      this.s3Clients.set(region, client);
    }
    return client;
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
    for (const client of this.s3Clients.values()) client.destroy();
    this.s3Clients.clear();
    this.agent.destroy();
  }

  private ec2(region: string): EC2Client {
    let client = this.clients.get(region);
    if (client === undefined) {
      client = new EC2Client({
        endpoint: this.endpoint,
        region,
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
        maxAttempts: 3,
        requestHandler: { httpAgent: this.agent },
      });
      this.clients.set(region, client);
    }
    return client;
  }

  /** A raw S3 request to moto (it routes by the credential scope; signatures are not checked). */
  private s3(
    region: string,
    method: string,
    path: string,
    body?: Buffer,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: string }> {
    const url = new URL(path, this.endpoint);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          agent: this.agent,
          headers: {
            ...headers,
            authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/s3/aws4_request, SignedHeaders=host, Signature=0`,
            'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
            'content-length': body?.length ?? 0,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && /\.NotFound$|\.Malformed$/.test(error.name);
}
