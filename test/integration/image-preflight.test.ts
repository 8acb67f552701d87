import {
  CreateImageCommand,
  DescribeImagesCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Ec2ImageRestoreTarget } from '../../functions/adapters/ec2-image-restore-target.js';
import { InMemoryImageRestoreTarget } from '../../functions/adapters/in-memory/in-memory-image-restore-target.js';
import type { RecoveryPoint } from '../../functions/core/recovery-point.js';
import { ImageRestoreRequestSchema } from '../../functions/core/restore/restore-request.js';
import type { ImageRestoreTarget } from '../../functions/ports/image-restore-target.js';
import { preflightImageRestore } from '../../functions/steps/restore/image-preflight.js';
import { ec2At } from '../support/aws-readback.js';
import { useEmulator } from '../support/emulator.js';

const emulator = useEmulator();
const region = 'us-east-1';
const bucket = 'exports';
const key = 'ami-0123456789abcdef0.bin';

interface World {
  images: ImageRestoreTarget;
  imageCount(): Promise<number>;
}

async function motoWorld(): Promise<World> {
  await emulator.reset();
  const s3 = new S3Client({
    endpoint: emulator.motoEndpoint,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId: 't', secretAccessKey: 't' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'stored image' }));
  const ec2 = ec2At(emulator.motoEndpoint, region);
  const source = await ec2.send(
    new RunInstancesCommand({ ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1 }),
  );
  await ec2.send(
    new CreateImageCommand({ InstanceId: source.Instances?.[0]?.InstanceId, Name: 'taken' }),
  );
  const imageCount = async () =>
    (await ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images?.length ?? 0;
  return { images: new Ec2ImageRestoreTarget(region), imageCount };
}

async function twinWorld(): Promise<World> {
  const twin = new InMemoryImageRestoreTarget(region);
  twin.addObject(bucket, key);
  twin.addImage('taken');
  return { images: twin, imageCount: async () => twin.images.size };
}

function exportPoint(format: string, objectKey = key): RecoveryPoint {
  return {
    id: `s3://${bucket}/${objectKey}`,
    kind: 'image-export',
    sourceId: 'i-source',
    region,
    policy: 'daily',
    runId: 'r',
    createdAt: '2026-12-01T03:00:00.000Z',
    expiresAt: 'never',
    state: 'available',
    artifact: { bucket, key: objectKey, format, sizeBytes: 12 },
  };
}

const codes = async (world: World, point: RecoveryPoint, target?: Record<string, unknown>) =>
  (
    await preflightImageRestore(
      ImageRestoreRequestSchema.parse({
        kind: 'image',
        recoveryPointId: point.id,
        ...(target ? { target } : {}),
      }),
      point,
      { images: world.images },
    )
  ).map(({ path, code }) => ({ path, code }));

describe.each([
  ['the SDK adapter on moto', motoWorld],
  ['the in-memory twin', twinWorld],
])('image restore preflight, against %s', (_name, makeWorld) => {
  it('passes a STORE_TASK export whose object is there, naming every problem otherwise, creating nothing', async () => {
    const world = await makeWorld();
    const before = await world.imageCount();
    expect(await codes(world, exportPoint('STORE_TASK'))).toEqual([]);
    expect(await codes(world, exportPoint('STORE_TASK'), { name: 'fresh' })).toEqual([]);
    expect(await codes(world, exportPoint('VHD'))).toEqual([
      { path: 'recoveryPointId', code: 'export-format-not-restorable' },
    ]);
    expect(
      await codes(world, exportPoint('STORE_TASK', 'gone.bin'), {
        name: 'taken',
        region: 'eu-west-1',
      }),
    ).toEqual([
      { path: 'recoveryPointId', code: 'artifact-not-found' },
      { path: 'target.region', code: 'region-not-supported' },
      { path: 'target.name', code: 'image-name-in-use' },
    ]);
    expect(await world.imageCount()).toBe(before);
  });
});
