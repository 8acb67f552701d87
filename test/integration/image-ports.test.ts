import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  CreateBucketCommand,
  GetObjectTaggingCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Ec2ImageExporter } from '../../functions/adapters/ec2-image-exporter.js';
import { Ec2ImageStore } from '../../functions/adapters/ec2-image-store.js';
import { InMemoryImageCloud } from '../../functions/adapters/in-memory/in-memory-image-cloud.js';
import { S3ArtifactStore } from '../../functions/adapters/s3-artifact-store.js';
import type { ArtifactStore } from '../../functions/ports/artifact-store.js';
import type { ImageExporter } from '../../functions/ports/image-exporter.js';
import type { ImageStore } from '../../functions/ports/image-store.js';
import { useEmulator } from '../support/emulator.js';

const emulator = useEmulator({ testCloud: true });
const bucket = 'image-ports-bucket';
const runTags = (source: string) => ({
  'backup:managed-by': 'backup-orchestrator',
  'backup:policy': 'daily',
  'backup:run': 'run-1',
  'backup:source': source,
});

interface Fixture {
  store(region: string): ImageStore;
  exporter: ImageExporter;
  artifacts: ArtifactStore;
  addInstance(): Promise<string>;
}

/** One behavioural suite for the image adapters (EC2 and S3 through the test cloud) and their twin. */
const implementations: [string, () => Promise<Fixture>][] = [
  [
    'in-memory twin',
    async () => {
      const cloud = new InMemoryImageCloud();
      cloud.buckets.add(bucket);
      return {
        store: (region) => cloud.imageStore(region),
        exporter: cloud.exporter('us-east-1'),
        artifacts: cloud.artifactStore(),
        addInstance: async () => {
          const id = `i-${cloud.instances.size.toString(16).padStart(17, '0')}`;
          cloud.instances.add(id);
          return id;
        },
      };
    },
  ],
  [
    'EC2 and S3 on the emulator',
    async () => {
      await emulator.reset();
      const s3 = new S3Client({ region: 'us-east-1', forcePathStyle: true });
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const client = (region: string) => new EC2Client({ region, maxAttempts: 1 });
      return {
        store: (region) => new Ec2ImageStore(region, client(region)),
        exporter: new Ec2ImageExporter('us-east-1', client('us-east-1')),
        artifacts: new S3ArtifactStore('us-east-1', s3),
        addInstance: async () => {
          const output = await client('us-east-1').send(
            new RunInstancesCommand({ ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1 }),
          );
          return output.Instances?.[0]?.InstanceId ?? '';
        },
      };
    },
  ],
];

describe.each(implementations)('image ports: %s', (_name, create) => {
  let fixture: Fixture;
  beforeEach(async () => {
    fixture = await create();
  });

  it('creates a tagged image of an instance, finds it by run and describes its snapshots', async () => {
    const instanceId = await fixture.addInstance();
    const store = fixture.store('us-east-1');
    const imageId = await store.createImage({
      instanceId,
      name: `backup-${instanceId}`,
      description: 'd',
      noReboot: true,
      tags: runTags(instanceId),
    });
    expect(imageId).toMatch(/^ami-/);
    expect((await store.findRunImages('run-1', 'daily')).map((image) => image.imageId)).toEqual([
      imageId,
    ]);
    const [described] = await store.describeImages([imageId, 'ami-0000000000000dead']);
    expect(described).toMatchObject({ imageId, state: 'available', productCodes: [] });
    expect(described?.snapshots.length).toBeGreaterThan(0);
  });

  it('fails CreateImage of a missing instance with InstanceNotImageableError', async () => {
    await expect(
      fixture.store('us-east-1').createImage({
        instanceId: 'i-0000000000000dead',
        name: 'x-dead',
        description: 'd',
        noReboot: true,
        tags: {},
      }),
    ).rejects.toMatchObject({ name: 'InstanceNotImageableError' });
  });

  it('copies an image to another region and finds the copy by the tags applied to it', async () => {
    const instanceId = await fixture.addInstance();
    const source = await fixture.store('us-east-1').createImage({
      instanceId,
      name: `b-${instanceId}`,
      description: 'd',
      noReboot: true,
      tags: runTags(instanceId),
    });
    const dr = fixture.store('us-west-2');
    const copyId = await dr.copyImage({
      sourceImageId: source,
      sourceRegion: 'us-east-1',
      name: `b-${instanceId}`,
      description: 'c',
      kmsKeyId: 'alias/dr',
      tags: runTags(instanceId),
    });
    await dr.tagResources([copyId], runTags(instanceId));
    expect((await dr.findRunImages('run-1', 'daily')).map((image) => image.imageId)).toEqual([
      copyId,
    ]);
    await expect(
      dr.copyImage({
        sourceImageId: 'ami-0000000000000dead',
        sourceRegion: 'us-east-1',
        name: 'n-dead',
        description: 'c',
        tags: {},
      }),
    ).rejects.toMatchObject({ name: 'ImageNotFoundError' });
  });

  it('exports an image to the bucket, idempotent by client token, and the artifact can be described and tagged', async () => {
    const instanceId = await fixture.addInstance();
    const imageId = await fixture.store('us-east-1').createImage({
      instanceId,
      name: `e-${instanceId}`,
      description: 'd',
      noReboot: true,
      tags: runTags(instanceId),
    });
    const request = {
      imageId,
      format: 'VMDK' as const,
      bucket,
      prefix: 'exports/',
      roleName: 'vmimport',
      clientToken: `token-${imageId}`,
      tags: runTags(instanceId),
    };
    const taskId = await fixture.exporter.startExport(request);
    expect(await fixture.exporter.startExport(request)).toBe(taskId);
    expect((await fixture.exporter.findRunExports('run-1')).map((task) => task.taskId)).toEqual([
      taskId,
    ]);
    const [task] = await fixture.exporter.describeExports([taskId]);
    expect(task).toMatchObject({
      taskId,
      imageId,
      status: 'completed',
      bucket,
      key: `exports/${taskId}.vmdk`,
    });
    const facts = await fixture.artifacts.describeObject(bucket, `exports/${taskId}.vmdk`);
    expect(facts?.sizeBytes).toBeGreaterThan(0);
    await fixture.artifacts.tagObject(bucket, `exports/${taskId}.vmdk`, {
      'backup:source': instanceId,
    });
    expect(await fixture.artifacts.describeObject(bucket, 'exports/nothing.vmdk')).toBeUndefined();
  });

  it('stores an image with a store task keyed by the image id', async () => {
    const instanceId = await fixture.addInstance();
    const imageId = await fixture.store('us-east-1').createImage({
      instanceId,
      name: `s-${instanceId}`,
      description: 'd',
      noReboot: true,
      tags: runTags(instanceId),
    });
    expect(
      await fixture.exporter.startStoreTask({ imageId, bucket, objectTags: runTags(instanceId) }),
    ).toBe(`${imageId}.bin`);
    const [task] = await fixture.exporter.describeStoreTasks([imageId]);
    expect(task).toMatchObject({ imageId, status: 'completed', key: `${imageId}.bin` });
  });
});

describe('export artifacts on the emulator', () => {
  it('are tagged where S3 itself says so', async () => {
    await emulator.reset();
    const s3 = new S3Client({
      region: 'us-east-1',
      forcePathStyle: true,
      endpoint: emulator.motoEndpoint,
    });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a.vmdk', Body: 'disk' }));
    await new S3ArtifactStore('us-east-1').tagObject(bucket, 'a.vmdk', {
      'backup:expires-at': 'never',
    });
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'a.vmdk' }));
    expect(tags.TagSet).toEqual([{ Key: 'backup:expires-at', Value: 'never' }]);
  });
});
