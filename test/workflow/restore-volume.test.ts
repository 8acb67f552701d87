import {
  CreateSnapshotCommand,
  DescribeVolumesCommand,
  RunInstancesCommand,
  type Volume,
} from '@aws-sdk/client-ec2';
import { DynamoDbRestoreStore } from '../../functions/adapters/dynamodb-restore-store.js';
import type { RecoveryPoint } from '../../functions/core/recovery-point.js';
import {
  VolumeRestoreRequestSchema,
  type VolumeRestoreRequest,
} from '../../functions/core/restore/restore-request.js';
import { Ec2VolumeRestoreTarget } from '../../functions/adapters/ec2-volume-restore-target.js';
import { createRestoredVolume } from '../../functions/steps/create-restored-volume.js';
import { restoreVolumeDefinitionFile } from '../../statemachines/definitions.js';
import { createTaggedVolume, ec2At, tagsOf } from '../support/aws-readback.js';
import { useEmulator } from '../support/emulator.js';
import { runRestoreWorkflow } from '../support/restore-workflow-run.js';

process.env.AWS_MAX_ATTEMPTS = '2';

const emulator = useEmulator({ testCloud: true });
const table = 'restore-volume-restores';
const region = 'us-east-1';
const moto = () => ec2At(emulator.motoEndpoint, region);
const store = () => DynamoDbRestoreStore.inRegion(table, region);

/** A backed-up volume's snapshot as the backup leaves it: the product's tags plus a user's. */
async function backedUpSnapshot(): Promise<RecoveryPoint> {
  const volumeId = await createTaggedVolume(moto(), { Name: 'orders-db' }, 20);
  const snapshot = await moto().send(
    new CreateSnapshotCommand({
      VolumeId: volumeId,
      TagSpecifications: [
        {
          ResourceType: 'snapshot',
          Tags: Object.entries({
            Name: 'orders-db',
            team: 'payments',
            'backup:managed-by': 'backup-orchestrator',
            'backup:policy': 'daily',
            'backup:source': volumeId,
            'backup:run': 'run-1',
            'backup:created-at': '2026-12-01T03:00:00.000Z',
            'backup:expires-at': '2026-12-08T03:00:00.000Z',
          }).map(([Key, Value]) => ({ Key, Value })),
        },
      ],
    }),
  );
  const id = snapshot.SnapshotId ?? '';
  return {
    id,
    kind: 'volume-snapshot',
    sourceId: volumeId,
    region,
    policy: 'daily',
    runId: 'run-1',
    createdAt: '2026-12-01T03:00:00.000Z',
    expiresAt: '2026-12-08T03:00:00.000Z',
    state: 'available',
    sizeGiB: 20,
  };
}

function startRestore(
  restoreId: string,
  request: VolumeRestoreRequest,
  point: RecoveryPoint,
  afterTask?: Record<string, (output: unknown) => Promise<void>>,
) {
  return runRestoreWorkflow<{ status: string; volumeId?: string }>({
    definitionFile: restoreVolumeDefinitionFile,
    table,
    region,
    restoreId,
    request,
    point,
    ...(afterTask ? { afterTask } : {}),
  });
}

async function restoredVolumes(restoreId: string): Promise<Volume[]> {
  const output = await moto().send(
    new DescribeVolumesCommand({
      Filters: [{ Name: 'tag:backup:restore-id', Values: [restoreId] }],
    }),
  );
  return output.Volumes ?? [];
}

async function volumeCount(): Promise<number> {
  return (await moto().send(new DescribeVolumesCommand({}))).Volumes?.length ?? 0;
}

beforeEach(() => emulator.reset());

describe('restore-volume workflow (ASL executed locally against the emulator)', () => {
  it('creates exactly the volume asked for, encrypted, tagged at creation, attached, and reports it by ARN', async () => {
    const point = await backedUpSnapshot();
    const instance = await moto().send(
      new RunInstancesCommand({
        ImageId: 'ami-12345678',
        MinCount: 1,
        MaxCount: 1,
        Placement: { AvailabilityZone: 'us-east-1b' },
      }),
    );
    const instanceId = instance.Instances?.[0]?.InstanceId ?? '';
    const request = VolumeRestoreRequestSchema.parse({
      kind: 'volume',
      recoveryPointId: point.id,
      target: {
        availabilityZone: 'us-east-1b',
        volumeType: 'gp3',
        sizeGiB: 30,
        iops: 4000,
        throughputMiBps: 250,
        attach: { instanceId, device: '/dev/sdf' },
      },
      tags: { ticket: 'INC-42' },
    });
    const before = await volumeCount();

    const { output } = await startRestore('rv-1', request, point);

    expect(output).toMatchObject({ status: 'COMPLETED' });
    const volumes = await restoredVolumes('rv-1');
    expect(volumes).toHaveLength(1);
    expect(await volumeCount()).toBe(before + 1);
    const [volume] = volumes;
    expect(volume).toMatchObject({
      SnapshotId: point.id,
      AvailabilityZone: 'us-east-1b',
      VolumeType: 'gp3',
      Size: 30,
      Iops: 4000,
      Throughput: 250,
      Encrypted: true,
      State: 'in-use',
    });
    expect(volume?.Attachments).toEqual([
      expect.objectContaining({ InstanceId: instanceId, Device: '/dev/sdf', State: 'attached' }),
    ]);
    // The snapshot's tags without the product's backup:* point tags, plus the request's and the restore's.
    expect(tagsOf(volume ?? {})).toEqual({
      Name: 'orders-db',
      team: 'payments',
      ticket: 'INC-42',
      'backup:restore-id': 'rv-1',
      'backup:restored-from': `arn:aws:ec2:us-east-1::snapshot/${point.id}`,
      'backup:managed-by': 'backup-orchestrator',
    });
    const record = await store().get('rv-1');
    expect(record).toMatchObject({
      status: 'COMPLETED',
      errors: [],
      completedAt: expect.any(String),
    });
    expect(record?.createdResources).toEqual([
      {
        type: 'volume',
        id: volume?.VolumeId,
        arn: `arn:aws:ec2:us-east-1:123456789012:volume/${volume?.VolumeId}`,
        region,
      },
      {
        type: 'volume-attachment',
        id: `${volume?.VolumeId}:${instanceId}:/dev/sdf`,
        arn: `arn:aws:ec2:us-east-1:123456789012:volume/${volume?.VolumeId}`,
        region,
      },
    ]);
  });

  it('is idempotent under Lambda retries: a repeated CreateRestoredVolume adopts its volume, makes no second', async () => {
    const point = await backedUpSnapshot();
    const request = VolumeRestoreRequestSchema.parse({
      kind: 'volume',
      recoveryPointId: point.id,
      target: { availabilityZone: 'us-east-1a' },
    });
    const adopted: string[] = [];
    await startRestore('rv-2', request, point, {
      // The same invocation again, as Lambda retries one whose answer was lost.
      CreateRestoredVolume: async () => {
        const again = await createRestoredVolume(
          { restoreId: 'rv-2', request, recoveryPoint: { ...point }, region },
          { store: store(), clock: () => new Date(), volumes: new Ec2VolumeRestoreTarget(region) },
        );
        adopted.push(again.volumeId);
      },
    });
    const [first] = await restoredVolumes('rv-2');
    expect(adopted).toEqual([first?.VolumeId]);
    expect((await restoredVolumes('rv-2')).map((volume) => volume.Size)).toEqual([20]);
    expect((await store().get('rv-2'))?.createdResources.map((resource) => resource.id)).toEqual([
      first?.VolumeId,
    ]);
  });

  it('fails with the error by name and deletes the volume it created when the attach is refused', async () => {
    const point = await backedUpSnapshot();
    const request = VolumeRestoreRequestSchema.parse({
      kind: 'volume',
      recoveryPointId: point.id,
      target: {
        availabilityZone: 'us-east-1a',
        attach: { instanceId: 'i-0123456789abcdef0', device: '/dev/sdf' },
      },
    });
    emulator.testCloud.addFault({
      operation: 'ec2:AttachVolume',
      fault: {
        status: 400,
        code: 'InvalidInstanceID.NotFound',
        message: "The instance ID 'i-0123456789abcdef0' does not exist",
      },
    });

    await expect(startRestore('rv-3', request, point)).rejects.toThrow(
      /restore record holds the error/,
    );

    const left = (await restoredVolumes('rv-3')).filter((volume) => volume.State !== 'deleted');
    expect(left).toEqual([]);
    const record = await store().get('rv-3');
    expect(record?.status).toBe('FAILED');
    expect(record?.errors).toEqual([
      expect.objectContaining({
        name: 'AwsRequestError',
        message: expect.stringContaining('AttachVolume'),
      }),
    ]);
    expect(record?.createdResources).toEqual([
      expect.objectContaining({ type: 'volume', cleanedUp: true }),
    ]);
  });
});
