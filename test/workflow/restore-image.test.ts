import {
  CreateRestoreImageTaskCommand,
  CreateStoreImageTaskCommand,
  DescribeImagesCommand,
  EC2Client,
  type Image,
} from '@aws-sdk/client-ec2';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Ec2ImageRestoreTarget } from '../../functions/adapters/ec2-image-restore-target.js';
import { DynamoDbRestoreStore } from '../../functions/adapters/dynamodb-restore-store.js';
import type { RecoveryPoint } from '../../functions/core/recovery-point.js';
import {
  ImageRestoreRequestSchema,
  type ImageRestoreRequest,
} from '../../functions/core/restore/restore-request.js';
import { preflightImageRestore } from '../../functions/steps/restore/image-preflight.js';
import { restoreImageDefinitionFile } from '../../statemachines/definitions.js';
import { ec2At, tagsOf } from '../support/aws-readback.js';
import { useEmulator } from '../support/emulator.js';
import { runRestoreWorkflow } from '../support/restore-workflow-run.js';
import { createImageOfInstance, createRestoreTestNetwork } from '../support/restore-lab-estate.js';

process.env.AWS_MAX_ATTEMPTS = '2';

const emulator = useEmulator({ testCloud: true });
const table = 'restore-image-restores';
const region = 'us-east-1';
const bucket = 'exports-bucket';
const moto = () => ec2At(emulator.motoEndpoint, region);
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
/** Through the test cloud, which emulates the store and restore tasks moto lacks. */
const cloud = () => new EC2Client({ endpoint: emulator.endpoint, region, credentials });
const store = () => DynamoDbRestoreStore.inRegion(table, region);

/** A STORE_TASK export as the backup leaves it: the image stored as an object by the test cloud. */
async function storeTaskExport(format = 'STORE_TASK'): Promise<RecoveryPoint> {
  const network = await createRestoreTestNetwork(moto(), emulator.motoEndpoint);
  const { imageId, instanceId } = await createImageOfInstance(moto(), network.subnetId, 'app');
  await new S3Client({
    endpoint: emulator.motoEndpoint,
    region,
    credentials,
    forcePathStyle: true,
  }).send(new CreateBucketCommand({ Bucket: bucket }));
  const task = await cloud().send(
    new CreateStoreImageTaskCommand({ ImageId: imageId, Bucket: bucket }),
  );
  const key = task.ObjectKey ?? '';
  return {
    id: `s3://${bucket}/${key}`,
    kind: 'image-export',
    sourceId: instanceId,
    region,
    policy: 'daily',
    runId: 'run-1',
    createdAt: '2026-12-01T03:00:00.000Z',
    expiresAt: 'never',
    state: 'available',
    artifact: { bucket, key, format, sizeBytes: 65_536 },
  };
}

function startRestore(restoreId: string, request: ImageRestoreRequest, point: RecoveryPoint) {
  return runRestoreWorkflow<{ status: string; imageId?: string }>({
    definitionFile: restoreImageDefinitionFile,
    table,
    region,
    restoreId,
    request,
    point,
  });
}

async function restoredImages(restoreId: string): Promise<Image[]> {
  const output = await moto().send(
    new DescribeImagesCommand({
      Owners: ['self'],
      Filters: [{ Name: 'tag:backup:restore-id', Values: [restoreId] }],
    }),
  );
  return output.Images ?? [];
}

beforeEach(() => emulator.reset());

describe('restore-image workflow (ASL executed locally against the emulator and the test cloud)', () => {
  it('restores exactly one image from a STORE_TASK export, tagged at creation, and reports it by ARN', async () => {
    const point = await storeTaskExport();
    const request = ImageRestoreRequestSchema.parse({
      kind: 'image',
      recoveryPointId: point.id,
      target: { name: 'app-restored' },
      tags: { ticket: 'INC-9' },
    });
    expect(
      await preflightImageRestore(request, point, { images: new Ec2ImageRestoreTarget(region) }),
    ).toEqual([]);

    const { output } = await startRestore('rimg-1', request, point);

    expect(output).toMatchObject({ status: 'COMPLETED' });
    const images = await restoredImages('rimg-1');
    expect(images).toHaveLength(1);
    const [image] = images;
    expect(image).toMatchObject({ Name: 'app-restored', State: 'available' });
    expect(tagsOf(image ?? {})).toEqual({
      ticket: 'INC-9',
      'backup:restore-id': 'rimg-1',
      'backup:restored-from': `arn:aws:s3:::${bucket}/${point.artifact?.key}`,
      'backup:managed-by': 'backup-orchestrator',
    });
    const record = await store().get('rimg-1');
    expect(record).toMatchObject({ status: 'COMPLETED', errors: [] });
    expect(record?.createdResources).toEqual([
      {
        type: 'image',
        id: image?.ImageId,
        arn: `arn:aws:ec2:us-east-1::image/${image?.ImageId}`,
        region,
      },
    ]);
  });

  it('fails by name when EC2 refuses the restore, and leaves no image', async () => {
    const point = await storeTaskExport();
    const request = ImageRestoreRequestSchema.parse({ kind: 'image', recoveryPointId: point.id });
    emulator.testCloud.addFault({
      operation: 'ec2:CreateRestoreImageTask',
      fault: { status: 400, code: 'InvalidParameter', message: 'The object is not a stored AMI' },
    });

    await expect(startRestore('rimg-2', request, point)).rejects.toThrow(
      /restore record holds the error/,
    );

    expect(await restoredImages('rimg-2')).toEqual([]);
    const record = await store().get('rimg-2');
    expect(record).toMatchObject({ status: 'FAILED', createdResources: [] });
    expect(record?.errors).toEqual([
      expect.objectContaining({
        name: 'AwsRequestError',
        message: expect.stringContaining('CreateRestoreImageTask'),
      }),
    ]);
  });

  it('preflight: a VMDK export, a vanished object and a name in use are named problems, and nothing is created', async () => {
    const point = await storeTaskExport();
    const imageCount = async () =>
      (await moto().send(new DescribeImagesCommand({ Owners: ['self'] }))).Images?.length ?? 0;
    const before = await imageCount();
    const images = new Ec2ImageRestoreTarget(region);
    const vmdk = { ...point, artifact: { ...point.artifact!, format: 'VMDK' } };
    const request = (target?: Record<string, unknown>) =>
      ImageRestoreRequestSchema.parse({
        kind: 'image',
        recoveryPointId: point.id,
        ...(target ? { target } : {}),
      });
    const codes = async (p: RecoveryPoint, r: ImageRestoreRequest) =>
      (await preflightImageRestore(r, p, { images })).map(({ path, code }) => ({ path, code }));
    expect(await codes(vmdk, request())).toEqual([
      { path: 'recoveryPointId', code: 'export-format-not-restorable' },
    ]);
    const gone = { ...point, artifact: { ...point.artifact!, key: 'ami-gone.bin' } };
    expect(await codes(gone, request({ name: 'app', region: 'eu-west-1' }))).toEqual([
      { path: 'recoveryPointId', code: 'artifact-not-found' },
      { path: 'target.region', code: 'region-not-supported' },
      { path: 'target.name', code: 'image-name-in-use' },
    ]);
    expect(await imageCount()).toBe(before);
  });
});

describe("the test cloud's CreateRestoreImageTask", () => {
  it('registers a tagged image from an existing object, and refuses a missing object or a name in use', async () => {
    const point = await storeTaskExport();
    const key = point.artifact?.key ?? '';
    const made = await cloud().send(
      new CreateRestoreImageTaskCommand({
        Bucket: bucket,
        ObjectKey: key,
        Name: 'from-store',
        TagSpecifications: [{ ResourceType: 'image', Tags: [{ Key: 'k', Value: 'v' }] }],
      }),
    );
    const [image] =
      (await moto().send(new DescribeImagesCommand({ ImageIds: [made.ImageId ?? ''] }))).Images ??
      [];
    expect(image).toMatchObject({
      Name: 'from-store',
      State: 'available',
      Description: `restored from s3://${bucket}/${key}`,
    });
    expect(tagsOf(image ?? {})).toEqual({ k: 'v' });
    await expect(
      cloud().send(
        new CreateRestoreImageTaskCommand({ Bucket: bucket, ObjectKey: 'nope.bin', Name: 'x' }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameter',
    });
    await expect(
      cloud().send(
        new CreateRestoreImageTaskCommand({ Bucket: bucket, ObjectKey: key, Name: 'from-store' }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidAMIName.Duplicate',
    });
  });
});
