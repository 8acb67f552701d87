import { createHash } from 'node:crypto';
import {
  CancelExportTaskCommand,
  CopyImageCommand,
  CreateImageCommand,
  CreateStoreImageTaskCommand,
  DescribeExportImageTasksCommand,
  DescribeImagesCommand,
  DescribeStoreImageTasksCommand,
  DisableImageDeprecationCommand,
  EC2Client,
  EnableImageDeprecationCommand,
  ExportImageCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateBucketCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { artifactBody } from '../../emulator/emulated/artifact.js';
import { InvalidTestCloudSettingError } from '../../emulator/errors.js';
import { TestCloudClient } from '../../emulator/test-cloud-client.js';
import { useEmulator } from '../support/emulator.js';

const emulator = useEmulator({ testCloud: true });

/** Through the test cloud, as product code would reach AWS. */
const ec2 = (region?: string) => new EC2Client({ region, maxAttempts: 1 });
const s3 = () => new S3Client({ forcePathStyle: true });
/** Straight to moto: how checks see the truth. */
const motoS3 = () => new S3Client({ endpoint: emulator.motoEndpoint, forcePathStyle: true });
const motoEc2 = () => new EC2Client({ endpoint: emulator.motoEndpoint });

async function createImage(name = 'golden', region?: string): Promise<string> {
  const run = await ec2(region).send(
    new RunInstancesCommand({ ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1 }),
  );
  const image = await ec2(region).send(
    new CreateImageCommand({ InstanceId: run.Instances?.[0]?.InstanceId, Name: name }),
  );
  return image.ImageId ?? '';
}

async function createBucket(name: string): Promise<void> {
  await s3().send(new CreateBucketCommand({ Bucket: name }));
}

async function objectBytes(bucket: string, key: string): Promise<Buffer> {
  const got = await motoS3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from((await got.Body?.transformToByteArray()) ?? []);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

beforeEach(() => emulator.reset());

describe('ExportImage', () => {
  it('exports a moto image into the bucket, completed on the first describe', async () => {
    const imageId = await createImage();
    await createBucket('exports');
    const started = await ec2().send(
      new ExportImageCommand({
        ImageId: imageId,
        DiskImageFormat: 'VMDK',
        S3ExportLocation: { S3Bucket: 'exports', S3Prefix: 'images/' },
        RoleName: 'vmimport',
        Description: 'portable copy',
        TagSpecifications: [
          { ResourceType: 'export-image-task', Tags: [{ Key: 'policy', Value: 'gold' }] },
        ],
      }),
    );
    const taskId = started.ExportImageTaskId ?? '';
    expect(taskId).toMatch(/^export-ami-[0-9a-f]{17}$/);
    expect(started).toMatchObject({
      ImageId: imageId,
      DiskImageFormat: 'VMDK',
      RoleName: 'vmimport',
      Description: 'portable copy',
      Status: 'active',
      S3ExportLocation: { S3Bucket: 'exports', S3Prefix: 'images/' },
      Tags: [{ Key: 'policy', Value: 'gold' }],
    });

    const described = await ec2().send(
      new DescribeExportImageTasksCommand({ ExportImageTaskIds: [taskId] }),
    );
    expect(described.ExportImageTasks).toEqual([
      {
        ExportImageTaskId: taskId,
        ImageId: imageId,
        Description: 'portable copy',
        Status: 'completed',
        S3ExportLocation: { S3Bucket: 'exports', S3Prefix: 'images/' },
        Tags: [{ Key: 'policy', Value: 'gold' }],
      },
    ]);

    const key = `images/${taskId}.vmdk`;
    const head = await motoS3().send(new HeadObjectCommand({ Bucket: 'exports', Key: key }));
    expect(head.ContentLength).toBe(64 * 1024);
    expect(sha256(await objectBytes('exports', key))).toBe(sha256(artifactBody(imageId)));
    expect(emulator.testCloud.counts().byOperation).toMatchObject({
      'ec2:ExportImage': 1,
      'ec2:DescribeExportImageTasks': 1,
    });
  });

  it('stays active for the polls of an export hold, then writes the artifact', async () => {
    const imageId = await createImage();
    await createBucket('held');
    emulator.testCloud.configureEmulation({ artifactBytes: 1000 });
    emulator.testCloud.hold({ kind: 'export', polls: 2 });
    const { ExportImageTaskId: taskId } = await ec2().send(
      new ExportImageCommand({
        ImageId: imageId,
        DiskImageFormat: 'RAW',
        S3ExportLocation: { S3Bucket: 'held' },
      }),
    );
    const poll = async () =>
      (
        await ec2().send(
          new DescribeExportImageTasksCommand({ ExportImageTaskIds: [taskId ?? ''] }),
        )
      ).ExportImageTasks?.[0];
    const listed = async () =>
      (await motoS3().send(new ListObjectsV2Command({ Bucket: 'held' }))).Contents ?? [];

    const first = await poll();
    expect(first).toMatchObject({ Status: 'active', StatusMessage: 'converting' });
    expect(await listed()).toEqual([]);
    const second = await poll();
    expect(second?.Status).toBe('active');
    expect(Number(first?.Progress)).toBeLessThan(Number(second?.Progress));
    expect(await listed()).toEqual([]);
    expect((await poll())?.Status).toBe('completed');
    expect((await listed()).map((o) => [o.Key, o.Size])).toEqual([[`${taskId}.raw`, 1000]]);
    expect(emulator.testCloud.holds()[0]?.polled).toEqual({ [taskId ?? '']: 2 });
  });

  it('holds only the tasks of the images named, and filters by task-state', async () => {
    const a = await createImage('a');
    const b = await createImage('b');
    await createBucket('some');
    emulator.testCloud.hold({ kind: 'export', polls: 1, ids: [a] });
    const start = async (imageId: string) =>
      (
        await ec2().send(
          new ExportImageCommand({
            ImageId: imageId,
            DiskImageFormat: 'VHD',
            S3ExportLocation: { S3Bucket: 'some' },
          }),
        )
      ).ExportImageTaskId ?? '';
    const taskA = await start(a);
    const taskB = await start(b);
    const active = await ec2().send(
      new DescribeExportImageTasksCommand({
        Filters: [{ Name: 'task-state', Values: ['active'] }],
      }),
    );
    expect(active.ExportImageTasks?.map((t) => t.ExportImageTaskId)).toEqual([taskA]);
    const all = await ec2().send(new DescribeExportImageTasksCommand({}));
    expect(
      Object.fromEntries((all.ExportImageTasks ?? []).map((t) => [t.ExportImageTaskId, t.Status])),
    ).toEqual({
      [taskA]: 'completed',
      [taskB]: 'completed',
    });
    // Tasks live in their region.
    expect(
      (await ec2('eu-west-1').send(new DescribeExportImageTasksCommand({}))).ExportImageTasks,
    ).toEqual([]);
  });

  it('is idempotent on ClientToken', async () => {
    const imageId = await createImage();
    await createBucket('idem');
    const request = {
      ImageId: imageId,
      DiskImageFormat: 'VMDK' as const,
      S3ExportLocation: { S3Bucket: 'idem' },
      ClientToken: 'token-1',
    };
    const first = await ec2().send(new ExportImageCommand(request));
    const again = await ec2().send(new ExportImageCommand(request));
    expect(again.ExportImageTaskId).toBe(first.ExportImageTaskId);
    expect(emulator.testCloud.emulatedState().exportImageTasks).toHaveLength(1);
    await expect(
      ec2().send(new ExportImageCommand({ ...request, DiskImageFormat: 'RAW' })),
    ).rejects.toMatchObject({ name: 'IdempotentParameterMismatch' });
  });

  it('refuses a missing image, a missing bucket and an image with product codes', async () => {
    const imageId = await createImage();
    await createBucket('there');
    const exportOf = (id: string, bucket: string) =>
      ec2().send(
        new ExportImageCommand({
          ImageId: id,
          DiskImageFormat: 'VMDK',
          S3ExportLocation: { S3Bucket: bucket },
        }),
      );
    await expect(exportOf('ami-0123456789abcdef0', 'there')).rejects.toMatchObject({
      name: 'InvalidAMIID.NotFound',
      $metadata: { httpStatusCode: 400 },
    });
    // An image of another region is missing here too.
    await expect(
      ec2('eu-west-1').send(
        new ExportImageCommand({
          ImageId: imageId,
          DiskImageFormat: 'VMDK',
          S3ExportLocation: { S3Bucket: 'there' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidAMIID.NotFound' });
    await expect(exportOf(imageId, 'not-there')).rejects.toMatchObject({
      name: 'InvalidParameter',
      message: expect.stringContaining('bucket does not exist'),
    });
    emulator.testCloud.markImage(imageId, { productCodes: ['prod-abc123'] });
    await expect(exportOf(imageId, 'there')).rejects.toMatchObject({
      name: 'InvalidParameter',
      message: expect.stringMatching(/product codes.*prod-abc123/),
    });
    await expect(
      ec2().send(
        new ExportImageCommand({
          ImageId: imageId,
          DiskImageFormat: 'QCOW2' as 'RAW',
          S3ExportLocation: { S3Bucket: 'there' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    expect(emulator.testCloud.emulatedState().exportImageTasks).toEqual([]);
    expect(
      (await motoS3().send(new ListObjectsV2Command({ Bucket: 'there' }))).Contents,
    ).toBeUndefined();
  });

  it('ends in deleted with the mark’s message when the image is marked to fail', async () => {
    const imageId = await createImage();
    await createBucket('fails');
    emulator.testCloud.markImage(imageId, { exportFailure: 'ClientError: Unsupported kernel' });
    const { ExportImageTaskId: taskId } = await ec2().send(
      new ExportImageCommand({
        ImageId: imageId,
        DiskImageFormat: 'VMDK',
        S3ExportLocation: { S3Bucket: 'fails' },
      }),
    );
    const task = (
      await ec2().send(new DescribeExportImageTasksCommand({ ExportImageTaskIds: [taskId ?? ''] }))
    ).ExportImageTasks?.[0];
    expect(task).toMatchObject({
      Status: 'deleted',
      StatusMessage: 'ClientError: Unsupported kernel',
    });
    expect(
      (await motoS3().send(new ListObjectsV2Command({ Bucket: 'fails' }))).Contents,
    ).toBeUndefined();
  });

  it('cancels an active task: deleting, then deleted; unknown ids are NotFound', async () => {
    const imageId = await createImage();
    await createBucket('cancel');
    emulator.testCloud.hold({ kind: 'export', polls: 5 });
    const { ExportImageTaskId: taskId = '' } = await ec2().send(
      new ExportImageCommand({
        ImageId: imageId,
        DiskImageFormat: 'VMDK',
        S3ExportLocation: { S3Bucket: 'cancel' },
      }),
    );
    await ec2().send(new CancelExportTaskCommand({ ExportTaskId: taskId }));
    const status = async () =>
      (await ec2().send(new DescribeExportImageTasksCommand({ ExportImageTaskIds: [taskId] })))
        .ExportImageTasks?.[0]?.Status;
    expect(await status()).toBe('deleting');
    expect(await status()).toBe('deleted');
    await expect(
      ec2().send(new CancelExportTaskCommand({ ExportTaskId: taskId })),
    ).rejects.toMatchObject({
      name: 'IncorrectState',
    });
    await expect(
      ec2().send(
        new DescribeExportImageTasksCommand({
          ExportImageTaskIds: ['export-ami-00000000000000000'],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidExportTaskID.NotFound' });
    expect(
      (await motoS3().send(new ListObjectsV2Command({ Bucket: 'cancel' }))).Contents,
    ).toBeUndefined();
  });
});

describe('CreateStoreImageTask', () => {
  it('stores the image as <ImageId>.bin with the object tags', async () => {
    const imageId = await createImage();
    await createBucket('store');
    const created = await ec2().send(
      new CreateStoreImageTaskCommand({
        ImageId: imageId,
        Bucket: 'store',
        S3ObjectTags: [
          { Key: 'policy', Value: 'gold' },
          { Key: 'run', Value: 'r-1' },
        ],
      }),
    );
    expect(created.ObjectKey).toBe(`${imageId}.bin`);
    const described = await ec2().send(new DescribeStoreImageTasksCommand({ ImageIds: [imageId] }));
    expect(described.StoreImageTaskResults).toEqual([
      {
        AmiId: imageId,
        Bucket: 'store',
        S3objectKey: `${imageId}.bin`,
        ProgressPercentage: 100,
        StoreTaskState: 'Completed',
        TaskStartTime: expect.any(Date),
      },
    ]);
    expect(sha256(await objectBytes('store', `${imageId}.bin`))).toBe(
      sha256(artifactBody(imageId)),
    );
    const tagging = await motoS3().send(
      new GetObjectTaggingCommand({ Bucket: 'store', Key: `${imageId}.bin` }),
    );
    expect(tagging.TagSet).toEqual(
      expect.arrayContaining([
        { Key: 'policy', Value: 'gold' },
        { Key: 'run', Value: 'r-1' },
      ]),
    );
  });

  it('stays InProgress for the polls of a store-task hold', async () => {
    const imageId = await createImage();
    await createBucket('slow-store');
    emulator.testCloud.hold({ kind: 'store-task', polls: 2, ids: [imageId] });
    await ec2().send(new CreateStoreImageTaskCommand({ ImageId: imageId, Bucket: 'slow-store' }));
    const poll = async () =>
      (await ec2().send(new DescribeStoreImageTasksCommand({ ImageIds: [imageId] })))
        .StoreImageTaskResults?.[0];
    const first = await poll();
    const second = await poll();
    expect([first?.StoreTaskState, second?.StoreTaskState]).toEqual(['InProgress', 'InProgress']);
    expect(first?.ProgressPercentage).toBeLessThan(second?.ProgressPercentage ?? 0);
    expect(
      await motoS3().send(new ListObjectsV2Command({ Bucket: 'slow-store' })),
    ).not.toHaveProperty('Contents');
    expect(await poll()).toMatchObject({ StoreTaskState: 'Completed', ProgressPercentage: 100 });
    const listed = await motoS3().send(new ListObjectsV2Command({ Bucket: 'slow-store' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual([`${imageId}.bin`]);
  });

  it('refuses missing images and buckets and product-coded images; fails marked ones', async () => {
    const imageId = await createImage();
    await createBucket('store-refusals');
    const store = (id: string, bucket: string) =>
      ec2().send(new CreateStoreImageTaskCommand({ ImageId: id, Bucket: bucket }));
    await expect(store('ami-0123456789abcdef0', 'store-refusals')).rejects.toMatchObject({
      name: 'InvalidAMIID.NotFound',
    });
    await expect(store(imageId, 'nope')).rejects.toMatchObject({ name: 'InvalidParameter' });
    emulator.testCloud.markImage(imageId, { productCodes: ['prod-1'] });
    await expect(store(imageId, 'store-refusals')).rejects.toMatchObject({
      name: 'InvalidParameter',
      message: expect.stringContaining('prod-1'),
    });
    emulator.testCloud.markImage(imageId, { exportFailure: 'InternalError' });
    await store(imageId, 'store-refusals');
    const task = (await ec2().send(new DescribeStoreImageTasksCommand({})))
      .StoreImageTaskResults?.[0];
    expect(task).toMatchObject({
      StoreTaskState: 'Failed',
      StoreTaskFailureReason: 'InternalError',
    });
  });
});

describe('image deprecation and marks in DescribeImages', () => {
  it('shows deprecationTime until disabled, and moto knows nothing of it', async () => {
    const imageId = await createImage();
    const describe = async () =>
      (await ec2().send(new DescribeImagesCommand({ ImageIds: [imageId] }))).Images?.[0];
    expect((await describe())?.DeprecationTime).toBeUndefined();
    await ec2().send(
      new EnableImageDeprecationCommand({
        ImageId: imageId,
        DeprecateAt: new Date('2030-01-01T00:00:20Z'),
      }),
    );
    // Seconds round to the nearest minute, as EC2 does; milliseconds shown as AWS does.
    expect((await describe())?.DeprecationTime).toBe('2030-01-01T00:00:00.000Z');
    const direct = await motoEc2().send(new DescribeImagesCommand({ ImageIds: [imageId] }));
    expect(direct.Images?.[0]?.DeprecationTime).toBeUndefined();
    await ec2().send(new DisableImageDeprecationCommand({ ImageId: imageId }));
    expect((await describe())?.DeprecationTime).toBeUndefined();

    await expect(
      ec2().send(
        new EnableImageDeprecationCommand({
          ImageId: 'ami-0123456789abcdef0',
          DeprecateAt: new Date('2030-01-01T00:00:00Z'),
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidAMIID.NotFound' });
    await expect(
      ec2().send(
        new EnableImageDeprecationCommand({
          ImageId: imageId,
          DeprecateAt: new Date('2001-01-01'),
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('shows marketplace product codes, carried over by CopyImage', async () => {
    const imageId = await createImage();
    const other = await createImage('other');
    emulator.testCloud.markImage(imageId, { productCodes: ['prod-a', 'prod-b'] });
    const images = await ec2().send(new DescribeImagesCommand({ ImageIds: [imageId, other] }));
    const codes = Object.fromEntries(
      (images.Images ?? []).map((image) => [image.ImageId, image.ProductCodes]),
    );
    expect(codes).toEqual({
      [imageId]: [
        { ProductCodeId: 'prod-a', ProductCodeType: 'marketplace' },
        { ProductCodeId: 'prod-b', ProductCodeType: 'marketplace' },
      ],
      [other]: [],
    });
    const copy = await ec2('eu-west-1').send(
      new CopyImageCommand({ SourceImageId: imageId, SourceRegion: 'us-east-1', Name: 'dr' }),
    );
    const copied = await ec2('eu-west-1').send(
      new DescribeImagesCommand({ ImageIds: [copy.ImageId ?? ''] }),
    );
    expect(copied.Images?.[0]?.ProductCodes).toHaveLength(2);
  });

  it('keeps holds working on the same answer', async () => {
    const imageId = await createImage();
    emulator.testCloud.hold({ kind: 'image', polls: 1 });
    await ec2().send(
      new EnableImageDeprecationCommand({
        ImageId: imageId,
        DeprecateAt: new Date('2030-06-01T00:00:00Z'),
      }),
    );
    const image = (await ec2().send(new DescribeImagesCommand({ ImageIds: [imageId] })))
      .Images?.[0];
    expect(image).toMatchObject({ State: 'pending', DeprecationTime: '2030-06-01T00:00:00.000Z' });
  });
});

describe('control', () => {
  it('reset() forgets tasks, deprecations, marks and settings', async () => {
    const imageId = await createImage();
    await createBucket('reset-me');
    emulator.testCloud.configureEmulation({ artifactBytes: 10 });
    emulator.testCloud.markImage(imageId, { exportFailure: 'x' });
    await ec2().send(
      new EnableImageDeprecationCommand({
        ImageId: imageId,
        DeprecateAt: new Date('2030-01-01T00:00:00Z'),
      }),
    );
    await ec2().send(
      new ExportImageCommand({
        ImageId: imageId,
        DiskImageFormat: 'VMDK',
        S3ExportLocation: { S3Bucket: 'reset-me' },
      }),
    );
    emulator.testCloud.reset();
    expect(emulator.testCloud.emulatedState()).toEqual({
      exportImageTasks: [],
      storeImageTasks: [],
      imageDeprecations: {},
      ssmCommands: [],
      guestProfiles: {},
      imageMarks: {},
      snapshotLocks: {},
      settings: { artifactBytes: 64 * 1024 },
    });
    expect((await ec2().send(new DescribeExportImageTasksCommand({}))).ExportImageTasks).toEqual(
      [],
    );
    const image = (await ec2().send(new DescribeImagesCommand({ ImageIds: [imageId] })))
      .Images?.[0];
    expect(image?.DeprecationTime).toBeUndefined();
  });

  it('validates marks and settings, in process and over HTTP', async () => {
    expect(() => emulator.testCloud.markImage('ami-1', { productCodes: [''] })).toThrow(
      InvalidTestCloudSettingError,
    );
    expect(() => emulator.testCloud.markImage('not-an-ami', {})).toThrow(/image id/);
    expect(() => emulator.testCloud.configureEmulation({ artifactBytes: -1 })).toThrow(
      /artifactBytes/,
    );
    const control = new TestCloudClient(emulator.endpoint);
    await control.markImage('ami-12345678', { productCodes: ['prod-x'] });
    expect(await control.imageMarks()).toEqual({ 'ami-12345678': { productCodes: ['prod-x'] } });
    expect(await control.configureEmulation({ artifactBytes: 5 })).toEqual({ artifactBytes: 5 });
    await expect(control.markImage('ami-12345678', { bogus: 1 } as never)).rejects.toThrow(
      /400.*InvalidTestCloudSettingError/,
    );
    await control.hold({ kind: 'export', polls: 1 });
    expect((await control.emulatedState()).imageMarks).toHaveProperty('ami-12345678');
    await control.clearImageMarks();
    expect(await control.imageMarks()).toEqual({});
    await control.reset();
    expect((await control.emulatedState()).settings).toEqual({ artifactBytes: 64 * 1024 });
    expect(await control.holds()).toEqual([]);
  });
});
