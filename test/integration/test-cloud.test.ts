import { request } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import {
  CreateImageCommand,
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import {
  InvalidFaultRuleError,
  InvalidHoldError,
  TestCloudControlError,
} from '../../emulator/errors.js';
import { TestCloudClient } from '../../emulator/test-cloud-client.js';
import { useEmulator } from '../support/emulator.js';

const emulator = useEmulator({ testCloud: true });

/** Clients reach the test cloud through AWS_ENDPOINT_URL, as product code would. */
const ec2 = (maxAttempts?: number, region?: string) => new EC2Client({ maxAttempts, region });
const dynamodb = (maxAttempts?: number) => new DynamoDBClient({ maxAttempts });
const s3 = (maxAttempts?: number) => new S3Client({ maxAttempts });
/** Straight to moto: how checks see the truth without the test cloud in the way. */
const motoEc2 = () => new EC2Client({ endpoint: emulator.motoEndpoint });

async function createVolume(): Promise<string> {
  const volume = await ec2().send(
    new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 1 }),
  );
  return volume.VolumeId ?? '';
}

async function snapshotsInMoto(): Promise<string[]> {
  const out = await motoEc2().send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }));
  return (out.Snapshots ?? []).map((s) => s.SnapshotId ?? '');
}

beforeEach(() => emulator.reset());

describe('environment', () => {
  it('points the SDK at the test cloud, which forwards to moto', () => {
    expect(process.env.AWS_ENDPOINT_URL).toBe(emulator.testCloud.endpoint);
    expect(emulator.endpoint).toBe(emulator.testCloud.endpoint);
    expect(emulator.testCloud.upstream).toBe(emulator.motoEndpoint);
    expect(emulator.endpoint).not.toBe(emulator.motoEndpoint);
  });
});

describe('request counting', () => {
  it('counts EC2 and DynamoDB calls by service, operation and region', async () => {
    await createVolume();
    await ec2().send(new DescribeVolumesCommand({}));
    await ec2(undefined, 'eu-west-1').send(new DescribeVolumesCommand({}));
    await dynamodb().send(
      new CreateTableCommand({
        TableName: 't',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await dynamodb().send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'a' } } }));

    expect(emulator.testCloud.counts()).toEqual({
      total: 5,
      byService: { ec2: 3, dynamodb: 2 },
      byOperation: {
        'ec2:CreateVolume': 1,
        'ec2:DescribeVolumes': 2,
        'dynamodb:CreateTable': 1,
        'dynamodb:PutItem': 1,
      },
      byRegion: { 'us-east-1': 4, 'eu-west-1': 1 },
      faults: { total: 0, byOperation: {} },
    });
  });

  it('resetCounts() starts again from zero', async () => {
    await ec2().send(new DescribeVolumesCommand({}));
    emulator.testCloud.resetCounts();
    expect(emulator.testCloud.counts().total).toBe(0);
  });

  it('names S3 REST operations and streams objects through unchanged', async () => {
    const client = s3();
    const body = randomBytes(3 * 1024 * 1024 + 17);
    await client.send(new CreateBucketCommand({ Bucket: 'src' }));
    await client.send(new PutObjectCommand({ Bucket: 'src', Key: 'big.bin', Body: body }));
    await client.send(new HeadObjectCommand({ Bucket: 'src', Key: 'big.bin' }));
    const got = await client.send(new GetObjectCommand({ Bucket: 'src', Key: 'big.bin' }));
    const bytes = Buffer.from((await got.Body?.transformToByteArray()) ?? []);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(
      createHash('sha256').update(body).digest('hex'),
    );
    await client.send(
      new CopyObjectCommand({ Bucket: 'src', Key: 'copy.bin', CopySource: 'src/big.bin' }),
    );
    const upload = await client.send(
      new CreateMultipartUploadCommand({ Bucket: 'src', Key: 'mp.bin' }),
    );
    const part = await client.send(
      new UploadPartCopyCommand({
        Bucket: 'src',
        Key: 'mp.bin',
        UploadId: upload.UploadId,
        PartNumber: 1,
        CopySource: 'src/big.bin',
      }),
    );
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'src',
        Key: 'mp.bin',
        UploadId: upload.UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.CopyPartResult?.ETag }] },
      }),
    );
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'src' }));
    expect(listed.Contents?.map((o) => o.Key).sort()).toEqual(['big.bin', 'copy.bin', 'mp.bin']);
    await client.send(
      new DeleteObjectsCommand({ Bucket: 'src', Delete: { Objects: [{ Key: 'copy.bin' }] } }),
    );

    expect(emulator.testCloud.counts().byOperation).toEqual({
      's3:CreateBucket': 1,
      's3:PutObject': 1,
      's3:HeadObject': 1,
      's3:GetObject': 1,
      's3:CopyObject': 1,
      's3:CreateMultipartUpload': 1,
      's3:UploadPartCopy': 1,
      's3:CompleteMultipartUpload': 1,
      's3:ListObjectsV2': 1,
      's3:DeleteObjects': 1,
    });
  });

  it('passes responses through byte for byte', async () => {
    await s3().send(new CreateBucketCommand({ Bucket: 'raw' }));
    await s3().send(
      new PutObjectCommand({
        Bucket: 'raw',
        Key: 'k',
        Body: 'hello, moto',
        ContentType: 'text/x-test',
      }),
    );
    const get = (endpoint: string) =>
      new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
        (resolve, reject) => {
          const req = request(`${endpoint}/raw/k`, {
            headers: {
              authorization:
                'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0',
            },
            agent: false,
          });
          req.on('response', (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, headers: res.headers, body }),
            );
          });
          req.on('error', reject).end();
        },
      );
    const [direct, proxied] = await Promise.all([
      get(emulator.motoEndpoint),
      get(emulator.endpoint),
    ]);
    const comparable = (headers: Record<string, unknown>) => {
      const {
        date: _date,
        connection: _connection,
        'x-amz-request-id': _id,
        'x-amzn-requestid': _id2,
        ...rest
      } = headers;
      return rest;
    };
    expect(proxied.status).toBe(direct.status);
    expect(proxied.body).toBe('hello, moto');
    expect(proxied.body).toBe(direct.body);
    expect(comparable(proxied.headers)).toEqual(comparable(direct.headers));
    expect(proxied.headers['content-type']).toBe('text/x-test');
  });
});

describe('fault injection', () => {
  it('throttles the 1st CreateSnapshot as EC2 does, and nothing reaches moto', async () => {
    const volumeId = await createVolume();
    emulator.testCloud.addFault({ operation: 'ec2:CreateSnapshot', fault: 'throttle', nth: 1 });

    const error = await ec2(1)
      .send(new CreateSnapshotCommand({ VolumeId: volumeId }))
      .catch((e: unknown) => e as Error & { $metadata?: { httpStatusCode?: number } });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'RequestLimitExceeded',
      message: 'Request limit exceeded.',
    });
    expect(error?.$metadata?.httpStatusCode).toBe(503);
    expect(await snapshotsInMoto()).toEqual([]);
    expect(emulator.testCloud.counts().faults).toEqual({
      total: 1,
      byOperation: { 'ec2:CreateSnapshot': 1 },
    });

    // The rule fired on its one call: the next goes through.
    await ec2(1).send(new CreateSnapshotCommand({ VolumeId: volumeId }));
    expect(await snapshotsInMoto()).toHaveLength(1);
  });

  it('lets SDK retries ride out a throttle', async () => {
    const volumeId = await createVolume();
    emulator.testCloud.addFault({
      service: 'ec2',
      operation: 'CreateSnapshot',
      fault: 'throttle',
      nth: 1,
    });
    const snapshot = await ec2().send(new CreateSnapshotCommand({ VolumeId: volumeId }));
    expect(snapshot.$metadata.attempts).toBe(2);
    expect(await snapshotsInMoto()).toEqual([snapshot.SnapshotId]);
    const counts = emulator.testCloud.counts();
    expect(counts.byOperation['ec2:CreateSnapshot']).toBe(2);
    expect(counts.faults.total).toBe(1);
  });

  it('throttles JSON services with ThrottlingException', async () => {
    emulator.testCloud.addFault({ service: 'dynamodb', fault: 'throttle' });
    await expect(
      dynamodb(1).send(new DescribeTableCommand({ TableName: 'x' })),
    ).rejects.toMatchObject({
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('throttles S3 with SlowDown', async () => {
    await s3().send(new CreateBucketCommand({ Bucket: 'slow' }));
    emulator.testCloud.addFault({ operation: 's3:PutObject', fault: 'throttle', times: 1 });
    await expect(
      s3(1).send(new PutObjectCommand({ Bucket: 'slow', Key: 'k', Body: 'x' })),
    ).rejects.toMatchObject({
      name: 'SlowDown',
      $metadata: { httpStatusCode: 503 },
    });
    await s3(1).send(new PutObjectCommand({ Bucket: 'slow', Key: 'k', Body: 'x' }));
  });

  it('injects HTTP 500 and 503, which the SDK retries', async () => {
    emulator.testCloud.addFault({ operation: 'ec2:DescribeVolumes', fault: 'http500', nth: 1 });
    emulator.testCloud.addFault({ operation: 'ec2:DescribeVolumes', fault: 'http503', nth: 2 });
    await expect(ec2(1).send(new DescribeVolumesCommand({}))).rejects.toMatchObject({
      name: 'InternalError',
      $metadata: { httpStatusCode: 500 },
    });
    await expect(ec2(1).send(new DescribeVolumesCommand({}))).rejects.toMatchObject({
      name: 'Unavailable',
      $metadata: { httpStatusCode: 503 },
    });
    await ec2(1).send(new DescribeVolumesCommand({}));

    emulator.testCloud.clearFaults();
    emulator.testCloud.addFault({ service: 'dynamodb', fault: 'http500', times: 2 });
    const error = await dynamodb()
      .send(new DescribeTableCommand({ TableName: 'missing' }))
      .catch((e: unknown) => e);
    // Two 500s retried away; the third attempt reached moto, which knows no such table.
    expect(error).toMatchObject({ name: 'ResourceNotFoundException', $metadata: { attempts: 3 } });
  });

  it('answers custom errors in the service’s format', async () => {
    emulator.testCloud.addFault({
      operation: 'ec2:CreateVolume',
      fault: { status: 400, code: 'InvalidParameterValue', message: 'no such size' },
    });
    await expect(createVolume()).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'no such size',
    });
    expect((await motoEc2().send(new DescribeVolumesCommand({}))).Volumes).toEqual([]);
  });

  it('injects at a rate, the same calls on every run', async () => {
    const run = async (): Promise<boolean[]> => {
      emulator.testCloud.clearFaults();
      emulator.testCloud.addFault({
        operation: 'ec2:DescribeVolumes',
        fault: 'http503',
        rate: 0.5,
      });
      const outcomes: boolean[] = [];
      for (let i = 0; i < 16; i++) {
        outcomes.push(
          await ec2(1)
            .send(new DescribeVolumesCommand({}))
            .then(
              () => true,
              () => false,
            ),
        );
      }
      return outcomes;
    };
    const first = await run();
    expect(first).toContain(true);
    expect(first).toContain(false);
    expect(await run()).toEqual(first);
  });

  it('times out without answering, and nothing reaches moto', async () => {
    const volumeId = await createVolume();
    emulator.testCloud.addFault({
      operation: 'ec2:CreateSnapshot',
      fault: 'timeout',
      timeoutMs: 10_000,
    });
    const client = new EC2Client({
      maxAttempts: 1,
      requestHandler: { requestTimeout: 300, throwOnRequestTimeout: true },
    });
    const started = Date.now();
    await expect(
      client.send(new CreateSnapshotCommand({ VolumeId: volumeId })),
    ).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await snapshotsInMoto()).toEqual([]);
  });

  it('rejects malformed rules with a specific error', () => {
    expect(() => emulator.testCloud.addFault({ fault: 'explode' as 'throttle' })).toThrow(
      InvalidFaultRuleError,
    );
    expect(() => emulator.testCloud.addFault({ fault: 'throttle', nth: 0 })).toThrow(
      /nth must be a positive integer/,
    );
    expect(() => emulator.testCloud.addFault({ fault: 'throttle', rate: 2 })).toThrow(/rate/);
    expect(() => emulator.testCloud.addFault({ fault: 'throttle', nth: 1, times: 2 })).toThrow(
      /not both/,
    );
    expect(emulator.testCloud.faults()).toEqual([]);
  });
});

describe('pending holds', () => {
  it('shows snapshots pending for N polls, while moto has them completed', async () => {
    const volumeId = await createVolume();
    emulator.testCloud.hold({ kind: 'snapshot', polls: 2 });
    const created = await ec2().send(new CreateSnapshotCommand({ VolumeId: volumeId }));
    expect(created.State).toBe('pending');

    const poll = async () => {
      const out = await ec2().send(
        new DescribeSnapshotsCommand({ SnapshotIds: [created.SnapshotId ?? ''] }),
      );
      return { state: out.Snapshots?.[0]?.State, progress: out.Snapshots?.[0]?.Progress };
    };
    const first = await poll();
    const second = await poll();
    expect([first.state, second.state]).toEqual(['pending', 'pending']);
    expect(Number.parseInt(first.progress ?? '', 10)).toBeLessThan(
      Number.parseInt(second.progress ?? '', 10),
    );
    expect(Number.parseInt(second.progress ?? '', 10)).toBeLessThan(100);
    expect(await poll()).toEqual({ state: 'completed', progress: '100%' });

    const direct = await motoEc2().send(
      new DescribeSnapshotsCommand({ SnapshotIds: [created.SnapshotId ?? ''] }),
    );
    expect(direct.Snapshots?.[0]?.State).toBe('completed');
  });

  it('counts polls per snapshot and holds only the ids asked for', async () => {
    const volumeId = await createVolume();
    const a =
      (await ec2().send(new CreateSnapshotCommand({ VolumeId: volumeId }))).SnapshotId ?? '';
    const b =
      (await ec2().send(new CreateSnapshotCommand({ VolumeId: volumeId }))).SnapshotId ?? '';
    const c =
      (await ec2().send(new CreateSnapshotCommand({ VolumeId: volumeId }))).SnapshotId ?? '';
    emulator.testCloud.hold({ kind: 'snapshot', polls: 1, ids: [a, b] });

    const states = async (ids: string[]) => {
      const out = await ec2().send(new DescribeSnapshotsCommand({ SnapshotIds: ids }));
      return Object.fromEntries((out.Snapshots ?? []).map((s) => [s.SnapshotId, s.State]));
    };
    expect(await states([a, c])).toEqual({ [a]: 'pending', [c]: 'completed' });
    expect(await states([a, b, c])).toEqual({ [a]: 'completed', [b]: 'pending', [c]: 'completed' });
    expect(await states([a, b, c])).toEqual({
      [a]: 'completed',
      [b]: 'completed',
      [c]: 'completed',
    });
    expect(emulator.testCloud.holds()[0]?.polled).toEqual({ [a]: 1, [b]: 1 });
  });

  it('holds images pending the same way', async () => {
    const run = await ec2().send(
      new RunInstancesCommand({ ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1 }),
    );
    const instanceId = run.Instances?.[0]?.InstanceId ?? '';
    const image = await ec2().send(
      new CreateImageCommand({ InstanceId: instanceId, Name: 'held' }),
    );
    emulator.testCloud.hold({ kind: 'image', polls: 1, ids: [image.ImageId ?? ''] });
    const state = async () =>
      (await ec2().send(new DescribeImagesCommand({ ImageIds: [image.ImageId ?? ''] }))).Images?.[0]
        ?.State;
    expect(await state()).toBe('pending');
    expect(await state()).toBe('available');
  });

  it('rejects malformed holds', () => {
    expect(() => emulator.testCloud.hold({ kind: 'volume' as 'snapshot', polls: 1 })).toThrow(
      InvalidHoldError,
    );
    expect(() => emulator.testCloud.hold({ kind: 'snapshot', polls: 0 })).toThrow(
      /polls must be a positive integer/,
    );
  });
});

describe('reset', () => {
  it('testCloud.reset() clears counts, faults and holds; emulator.reset() also empties moto', async () => {
    const volumeId = await createVolume();
    emulator.testCloud.addFault({ operation: 'ec2:DescribeVolumes', fault: 'http500' });
    emulator.testCloud.hold({ kind: 'snapshot', polls: 5 });
    emulator.testCloud.reset();
    expect(emulator.testCloud.counts().total).toBe(0);
    expect(emulator.testCloud.faults()).toEqual([]);
    expect(emulator.testCloud.holds()).toEqual([]);
    expect(
      (await ec2(1).send(new DescribeVolumesCommand({}))).Volumes?.map((v) => v.VolumeId),
    ).toEqual([volumeId]);
    const snapshot = await ec2().send(new CreateSnapshotCommand({ VolumeId: volumeId }));
    expect(snapshot.State).toBe('completed');

    await emulator.reset();
    expect((await motoEc2().send(new DescribeVolumesCommand({}))).Volumes).toEqual([]);
    expect(emulator.testCloud.counts().total).toBe(0);
  });
});

describe('HTTP control API', () => {
  it('configures and reads the test cloud from outside the process', async () => {
    const control = new TestCloudClient(emulator.endpoint);
    const id = await control.addFault({
      operation: 'ec2:DescribeVolumes',
      fault: 'throttle',
      nth: 1,
    });
    expect(await control.faults()).toMatchObject([
      { id, operation: 'DescribeVolumes', service: 'ec2', matched: 0 },
    ]);
    await expect(ec2(1).send(new DescribeVolumesCommand({}))).rejects.toMatchObject({
      name: 'RequestLimitExceeded',
    });
    await control.hold({ kind: 'snapshot', polls: 1 });
    expect(await control.holds()).toHaveLength(1);

    const counts = await control.counts();
    expect(counts).toMatchObject({
      total: 1,
      byOperation: { 'ec2:DescribeVolumes': 1 },
      faults: { total: 1 },
    });
    await expect(control.addFault({ fault: 'nope' as 'throttle' })).rejects.toThrow(
      TestCloudControlError,
    );
    await expect(control.addFault({ fault: 'nope' as 'throttle' })).rejects.toThrow(
      /400.*InvalidFaultRuleError/,
    );
    await control.reset();
    expect(await control.counts()).toMatchObject({ total: 0 });
    expect(await control.faults()).toEqual([]);
    expect(await control.holds()).toEqual([]);
  });
});
