import { RestoreValidationError } from '../core/restore/restore-errors.js';
import { startRestorePoll } from '../core/restore/restore-poll.js';
import {
  asRecoveryPoint,
  type InstanceRestoreInput,
  type InstanceRestoreState,
} from '../core/run-state/restore-run.js';
import type { InstanceRestoreTarget } from '../ports/instance-restore-target.js';
import { launchRequest, restoredInstanceType } from './restore/instance-preflight.js';
import {
  ec2Arn,
  recordCreated,
  recordProgress,
  type RestoreRecording,
} from './restore/restore-progress.js';

export interface LaunchRestoredInstanceDeps extends RestoreRecording {
  instances: InstanceRestoreTarget;
}

/**
 * Launches the restored instance: RunInstances of the image with ClientToken = restoreId, IMDSv2
 * required, no public IP unless the request asks, the instance and its volumes tagged by the same
 * call (functions/core/restore/restored-tags.ts), every volume deleted with the instance. Safe to
 * repeat: an instance this restore already launched (found by its `backup:restore-id` tag; moto
 * ignores ClientToken) is adopted. The instance is on the record before the step returns.
 */
export async function launchRestoredInstance(
  event: InstanceRestoreInput,
  deps: LaunchRestoredInstanceDeps,
): Promise<InstanceRestoreState> {
  await recordProgress(event.restoreId, {}, deps);
  const point = asRecoveryPoint(event.recoveryPoint);
  const image = await deps.instances.describeImage(point.id);
  const instanceType =
    event.request.target.instanceType ?? (await restoredInstanceType(image, point, deps.instances));
  if (!image || !instanceType) {
    throw new RestoreValidationError([
      image
        ? {
            path: 'target.instanceType',
            code: 'instance-type-unknown',
            message: 'no instance type recorded for the image: give target.instanceType',
          }
        : {
            path: 'recoveryPointId',
            code: 'image-not-found',
            message: `image ${point.id} does not exist in ${event.region}`,
          },
    ]);
  }
  const launchedAt = deps.clock().toISOString();
  const [existing] = await deps.instances.findRestoreInstances(event.restoreId);
  const instance =
    existing ??
    (await deps.instances.launch(
      launchRequest(event.restoreId, event.request, point, image, instanceType),
    ));
  await recordCreated(
    event.restoreId,
    [
      {
        type: 'instance',
        id: instance.instanceId,
        arn: ec2Arn(
          event.region,
          instance.ownerId || image.ownerId,
          'instance',
          instance.instanceId,
        ),
        region: event.region,
      },
    ],
    deps,
  );
  return {
    ...event,
    instanceId: instance.instanceId,
    launchedAt,
    phase: 'starting',
    poll: startRestorePoll(),
  };
}
