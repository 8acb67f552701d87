import {
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  type Instance,
} from '@aws-sdk/client-ec2';
import { Ec2InstanceRestoreTarget } from '../../functions/adapters/ec2-instance-restore-target.js';
import { Ec2VolumeRestoreTarget } from '../../functions/adapters/ec2-volume-restore-target.js';
import { DynamoDbRestoreStore } from '../../functions/adapters/dynamodb-restore-store.js';
import type { RecoveryPoint } from '../../functions/core/recovery-point.js';
import {
  InstanceRestoreRequestSchema,
  type InstanceRestoreRequest,
} from '../../functions/core/restore/restore-request.js';
import { cleanUpRestore } from '../../functions/steps/restore/clean-up-restore.js';
import { restoreInstanceDefinitionFile } from '../../statemachines/definitions.js';
import { ec2At, tagsOf } from '../support/aws-readback.js';
import { useEmulator } from '../support/emulator.js';
import { runRestoreWorkflow } from '../support/restore-workflow-run.js';
import {
  createImageOfInstance,
  createRestoreTestNetwork,
  type RestoreTestNetwork,
} from '../support/restore-lab-estate.js';

process.env.AWS_MAX_ATTEMPTS = '2';

const emulator = useEmulator({ testCloud: true });
const table = 'restore-instance-restores';
const region = 'us-east-1';
const moto = () => ec2At(emulator.motoEndpoint, region);
const store = () => DynamoDbRestoreStore.inRegion(table, region);
let network: RestoreTestNetwork;

async function imagePoint(
  name: string,
  profile: Parameters<typeof emulator.testCloud.setGuestProfile>[1],
): Promise<RecoveryPoint> {
  const { imageId, instanceId } = await createImageOfInstance(moto(), network.subnetId, name);
  emulator.testCloud.setGuestProfile(imageId, profile);
  return {
    id: imageId,
    kind: 'image',
    sourceId: instanceId,
    region,
    policy: 'daily',
    runId: 'run-1',
    createdAt: '2026-12-01T03:00:00.000Z',
    expiresAt: '2026-12-08T03:00:00.000Z',
    state: 'available',
  };
}

function instanceRequest(
  point: RecoveryPoint,
  extra: Record<string, unknown> = {},
): InstanceRestoreRequest {
  return InstanceRestoreRequestSchema.parse({
    kind: 'instance',
    recoveryPointId: point.id,
    target: {
      subnetId: network.subnetId,
      securityGroupIds: [network.securityGroupId],
      instanceType: 't3.micro',
    },
    tags: { ticket: 'INC-7' },
    ...extra,
  });
}

function startRestore(
  restoreId: string,
  request: InstanceRestoreRequest,
  point: RecoveryPoint,
  afterTask?: Record<string, (output: unknown) => Promise<void>>,
) {
  return runRestoreWorkflow<{ status: string; instanceId?: string; rtoSeconds?: number }>({
    definitionFile: restoreInstanceDefinitionFile,
    table,
    region,
    restoreId,
    request,
    point,
    ...(afterTask ? { afterTask } : {}),
  });
}

async function restoredInstances(restoreId: string): Promise<Instance[]> {
  const output = await moto().send(
    new DescribeInstancesCommand({
      Filters: [{ Name: 'tag:backup:restore-id', Values: [restoreId] }],
    }),
  );
  return output.Reservations?.flatMap((reservation) => reservation.Instances ?? []) ?? [];
}

async function expectNothingRunning(restoreId: string) {
  const instances = await restoredInstances(restoreId);
  expect(instances.length).toBeGreaterThan(0);
  expect(instances.filter((instance) => instance.State?.Name !== 'terminated')).toEqual([]);
  const ids = instances.map((instance) => instance.InstanceId ?? '');
  const attached = await moto().send(
    new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: ids }] }),
  );
  expect(attached.Volumes).toEqual([]);
}

beforeEach(async () => {
  await emulator.reset();
  network = await createRestoreTestNetwork(moto(), emulator.motoEndpoint);
});

describe('restore-instance workflow (ASL executed locally against the emulator and the test cloud)', () => {
  it('launches exactly the instance asked for (IMDSv2, no public IP, tagged at launch), verifies it and reports the RTO', async () => {
    const point = await imagePoint('web', {
      agent: 'online',
      selfCheck: 'healthy',
      onlineAfterPolls: 1,
    });

    const { output } = await startRestore('ri-1', instanceRequest(point, { verify: true }), point);

    expect(output).toMatchObject({ status: 'COMPLETED', rtoSeconds: expect.any(Number) });
    const instances = await restoredInstances('ri-1');
    expect(instances).toHaveLength(1);
    const [instance] = instances;
    expect(instance).toMatchObject({
      ImageId: point.id,
      InstanceType: 't3.micro',
      SubnetId: network.subnetId,
      State: { Name: 'running' },
      MetadataOptions: expect.objectContaining({ HttpTokens: 'required' }),
    });
    expect(instance?.PublicIpAddress).toBeUndefined();
    // moto lists the groups of the interface the launch named, not on the instance.
    expect(instance?.NetworkInterfaces?.[0]?.Groups?.map((group) => group.GroupId)).toEqual([
      network.securityGroupId,
    ]);
    expect(tagsOf(instance ?? {})).toEqual({
      ticket: 'INC-7',
      'backup:restore-id': 'ri-1',
      'backup:restored-from': `arn:aws:ec2:us-east-1::image/${point.id}`,
      'backup:managed-by': 'backup-orchestrator',
    });
    const record = await store().get('ri-1');
    expect(record).toMatchObject({
      status: 'COMPLETED',
      errors: [],
      rtoSeconds: output.rtoSeconds,
    });
    expect(record?.createdResources).toEqual([
      {
        type: 'instance',
        id: instance?.InstanceId,
        arn: `arn:aws:ec2:us-east-1:123456789012:instance/${instance?.InstanceId}`,
        region,
      },
    ]);
    expect(record?.verification).toEqual({
      passed: true,
      checks: ['running', 'status-checks', 'ssm-agent', 'guest-self-check'].map((name) =>
        expect.objectContaining({ name, passed: true }),
      ),
    });
  });

  it("defaults the instance type to the source instance's and fails a verification by name, terminating the instance", async () => {
    const point = await imagePoint('silent', { agent: 'never', selfCheck: 'healthy' });
    const request = InstanceRestoreRequestSchema.parse({
      kind: 'instance',
      recoveryPointId: point.id,
      target: { subnetId: network.subnetId },
      verify: true,
    });

    await expect(startRestore('ri-2', request, point)).rejects.toThrow(
      /restore record holds the error/,
    );

    const source = await moto().send(
      new DescribeInstancesCommand({ InstanceIds: [point.sourceId] }),
    );
    const [restored] = await restoredInstances('ri-2');
    expect(restored?.InstanceType).toBe(source.Reservations?.[0]?.Instances?.[0]?.InstanceType);
    await expectNothingRunning('ri-2');
    const record = await store().get('ri-2');
    expect(record?.status).toBe('FAILED');
    expect(record?.errors).toEqual([
      expect.objectContaining({
        name: 'RestoreVerificationFailedError',
        message: expect.stringContaining('agent-never-online'),
      }),
    ]);
    expect(record?.verification?.passed).toBe(false);
    expect(record?.createdResources).toEqual([
      expect.objectContaining({ type: 'instance', cleanedUp: true }),
    ]);
  });

  it('a cancelled instance restore leaves nothing running (clean-up by tag, read back from moto)', async () => {
    const point = await imagePoint('cancelled', { agent: 'online', selfCheck: 'healthy' });
    const cleaned: unknown[] = [];
    // What the cancel API does while the workflow runs: mark the record, then clean up by tag.
    const cancel = async () => {
      const now = new Date().toISOString();
      await store().update(
        'ri-3',
        { status: 'CANCELLED', cancelRequestedAt: now, updatedAt: now },
        ['PENDING', 'RUNNING', 'VERIFYING'],
      );
      const ports = {
        instances: new Ec2InstanceRestoreTarget(region),
        volumes: new Ec2VolumeRestoreTarget(region),
      };
      cleaned.push(...(await cleanUpRestore('ri-3', region, ports)));
    };

    await expect(
      startRestore('ri-3', instanceRequest(point), point, { LaunchRestoredInstance: cancel }),
    ).rejects.toThrow();

    await expectNothingRunning('ri-3');
    const [instance] = await restoredInstances('ri-3');
    expect(cleaned).toEqual([
      {
        type: 'instance',
        id: instance?.InstanceId,
        arn: `arn:aws:ec2:us-east-1:123456789012:instance/${instance?.InstanceId}`,
        region,
        cleanedUp: true,
      },
    ]);
    const record = await store().get('ri-3');
    expect(record?.status).toBe('CANCELLED');
    // A cancel is not an error: the workflow stopped (RestoreCancelledError) without touching the record's status.
    expect(record?.errors).toEqual([]);
  });
});
