import type { RecoveryPoint } from '../../core/recovery-point.js';
import type { RestoreProblem } from '../../core/restore/restore-errors.js';
import type { InstanceRestoreRequest } from '../../core/restore/restore-request.js';
import { restoredTags } from '../../core/restore/restored-tags.js';
import { TagKeys } from '../../core/tag-keys.js';
import type {
  InstanceRestoreTarget,
  LaunchRestoredInstanceRequest,
  RestorableImage,
} from '../../ports/instance-restore-target.js';

/** The ports of an instance restore's preflight, in the point's region (real ones: functions/handlers/instance-restore-ports.ts). */
export interface InstancePreflightPorts {
  instances: InstanceRestoreTarget;
  /** The configuration's `restore.instanceProfiles`. */
  allowedInstanceProfiles: readonly string[];
}

/**
 * Every reason the instance restore cannot be carried out as asked, by field, with nothing
 * launched: the image exists and is available; the subnet exists (required: never a default-VPC
 * fallback); every security group exists and is in the subnet's VPC; the instance type exists
 * (given, or the one recorded at backup time: `restoredInstanceType`); the key
 * pair exists; the instance profile is on the configuration's allow-list. Then EC2's DryRun of
 * the very RunInstances.
 */
export async function preflightInstanceRestore(
  request: InstanceRestoreRequest,
  point: RecoveryPoint,
  ports: InstancePreflightPorts,
): Promise<RestoreProblem[]> {
  const { target } = request;
  const { instances } = ports;
  const image = point.kind === 'image' ? await instances.describeImage(point.id) : undefined;
  const instanceType = target.instanceType ?? (await restoredInstanceType(image, point, instances));
  const problems: RestoreProblem[] = [
    ...imageProblems(point, image),
    ...(await networkProblems(target, instances)),
    ...(await instanceTypeProblems(instanceType, target.instanceType !== undefined, instances)),
    ...(target.keyName && !(await instances.keyPairExists(target.keyName))
      ? [
          problem(
            'target.keyName',
            'key-pair-not-found',
            `key pair ${target.keyName} does not exist in ${instances.region}`,
          ),
        ]
      : []),
    ...(target.instanceProfile && !ports.allowedInstanceProfiles.includes(target.instanceProfile)
      ? [
          problem(
            'target.instanceProfile',
            'instance-profile-not-allowed',
            `instance profile ${target.instanceProfile} is not on the configuration's restore.instanceProfiles (${ports.allowedInstanceProfiles.join(', ') || 'empty'})`,
          ),
        ]
      : []),
  ];
  if (problems.length > 0 || !image || !instanceType) return problems;
  const refusal = await instances.dryRunLaunch(
    launchRequest('dry-run', request, point, image, instanceType),
  );
  return refusal
    ? [problem('', 'run-instances-refused', `EC2 would refuse RunInstances: ${refusal}`)]
    : [];
}

/**
 * The type a restored instance gets when the request names none: the one recorded on the image
 * at backup time (`backup:instance-type`), else the source instance's while it exists in the
 * point's region. Undefined when neither is known: the request must then name one.
 */
export async function restoredInstanceType(
  image: RestorableImage | undefined,
  point: RecoveryPoint,
  instances: InstanceRestoreTarget,
): Promise<string | undefined> {
  return image?.tags[TagKeys.instanceType] ?? (await instances.sourceInstanceType(point.sourceId));
}

/** The RunInstances a restore makes (the step and the DryRun alike). */
export function launchRequest(
  restoreId: string,
  request: InstanceRestoreRequest,
  point: RecoveryPoint,
  image: RestorableImage,
  instanceType: string,
): LaunchRestoredInstanceRequest {
  const { target } = request;
  return {
    imageId: image.imageId,
    instanceType,
    subnetId: target.subnetId,
    securityGroupIds: target.securityGroupIds ?? [],
    ...(target.instanceProfile ? { instanceProfile: target.instanceProfile } : {}),
    ...(target.keyName ? { keyName: target.keyName } : {}),
    associatePublicIpAddress: target.associatePublicIpAddress ?? false,
    clientToken: restoreId,
    tags: restoredTags({ sourceTags: image.tags, requestTags: request.tags, restoreId, point }),
  };
}

function imageProblems(point: RecoveryPoint, image: RestorableImage | undefined): RestoreProblem[] {
  if (point.kind !== 'image') {
    return [
      problem(
        'recoveryPointId',
        'wrong-point-kind',
        `${point.id} is a ${point.kind} point, not an image`,
      ),
    ];
  }
  if (!image)
    return [
      problem(
        'recoveryPointId',
        'image-not-found',
        `image ${point.id} does not exist in ${point.region}`,
      ),
    ];
  return image.state === 'available'
    ? []
    : [
        problem(
          'recoveryPointId',
          'image-not-available',
          `image ${point.id} is ${image.state}, not available`,
        ),
      ];
}

async function networkProblems(
  target: InstanceRestoreRequest['target'],
  instances: InstanceRestoreTarget,
): Promise<RestoreProblem[]> {
  const subnet = await instances.describeSubnet(target.subnetId);
  const problems = subnet
    ? []
    : [
        problem(
          'target.subnetId',
          'subnet-not-found',
          `subnet ${target.subnetId} does not exist in ${instances.region}`,
        ),
      ];
  const groups = target.securityGroupIds ?? [];
  const vpcs =
    groups.length > 0 ? await instances.securityGroupVpcs(groups) : new Map<string, string>();
  for (const groupId of groups) {
    const vpcId = vpcs.get(groupId);
    if (vpcId === undefined) {
      problems.push(
        problem(
          'target.securityGroupIds',
          'security-group-not-found',
          `security group ${groupId} does not exist in ${instances.region}`,
        ),
      );
    } else if (subnet && vpcId !== subnet.vpcId) {
      problems.push(
        problem(
          'target.securityGroupIds',
          'security-group-in-other-vpc',
          `security group ${groupId} is in ${vpcId}, subnet ${subnet.subnetId} in ${subnet.vpcId}`,
        ),
      );
    }
  }
  return problems;
}

async function instanceTypeProblems(
  instanceType: string | undefined,
  given: boolean,
  instances: InstanceRestoreTarget,
): Promise<RestoreProblem[]> {
  if (!instanceType) {
    return [
      problem(
        'target.instanceType',
        'instance-type-unknown',
        'the image records no instance type and its source instance is gone: give target.instanceType',
      ),
    ];
  }
  if (await instances.instanceTypeExists(instanceType)) return [];
  return [
    problem(
      'target.instanceType',
      'instance-type-not-found',
      `instance type ${instanceType}${given ? '' : ' (recorded at backup time)'} does not exist in ${instances.region}`,
    ),
  ];
}

function problem(path: string, code: string, message: string): RestoreProblem {
  return { path, code, message };
}
