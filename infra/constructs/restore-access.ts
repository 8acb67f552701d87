import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ManagedByValue, TagKeys } from '../../functions/core/tag-keys.js';
import { acknowledge, wildcardResource } from '../nag.js';
import type { BackupFunction } from './backup-function.js';
import { ec2Arn, RESOURCE_TAGGED_MANAGED } from './image-access.js';
import type { RecoveryPointScope } from './recovery-point-scope.js';
import type { RestoreAllowLists } from './restore-allow-lists.js';
import { RestoreImageAccess } from './restore-image-access.js';
import { RestoreKeyAccess } from './restore-key-access.js';
import { RestoreObjectAccess } from './restore-object-access.js';
import type { RestoreTable } from './restore-table.js';
import { grantVerifyRestoredInstances } from './restore-verify-access.js';

/** The request creates the resource with both restore tags (docs/adr/0012-restore-api.md). */
export const REQUEST_TAGGED_RESTORE = {
  Null: {
    [`aws:RequestTag/${TagKeys.restoreId}`]: 'false',
    [`aws:RequestTag/${TagKeys.restoredFrom}`]: 'false',
  },
} as const;

/** The resource already carries a `backup:restore-id`: a restore created it. */
export const RESOURCE_TAGGED_RESTORE = {
  Null: { [`aws:ResourceTag/${TagKeys.restoreId}`]: 'false' },
} as const;

/**
 * The permissions of the restore workflows' Tasks and of the restore API, each least privilege:
 * - new volumes and instances only with the restore tags in the creating request
 *   (aws:RequestTag), the tags only through that request (ec2:CreateAction), volumes always
 *   encrypted, instances always with IMDSv2;
 * - only from the product's own snapshots and images (aws:ResourceTag backup:managed-by);
 * - into any subnet, security group, key pair or instance: the request chooses them and the
 *   preflight checks them (functions/steps/restore/); an instance profile only from the
 *   configuration's allow-list (iam:PassRole on its roles alone);
 * - detach, terminate and delete only what carries a `backup:restore-id` (aws:ResourceTag), which
 *   no role of this product can set except in a creating request;
 * - objects and keys: infra/constructs/restore-object-access.ts, restore-key-access.ts.
 * EC2 resources are named in every region of the deployment: a restore from a DR copy runs in
 * the copy's region.
 */
export class RestoreAccess {
  private readonly keys: RestoreKeyAccess;
  private readonly objects: RestoreObjectAccess;
  private readonly images: RestoreImageAccess;

  constructor(
    private readonly scope: RecoveryPointScope,
    private readonly allowLists: RestoreAllowLists,
    readonly table: RestoreTable,
  ) {
    this.keys = new RestoreKeyAccess(scope, allowLists);
    this.objects = new RestoreObjectAccess(scope, allowLists);
    this.images = new RestoreImageAccess(scope);
  }

  /** Read and write restore records (progress, created resources, errors, the end status). */
  grantRecordRestores(fn: BackupFunction): void {
    this.table.grantRecordRestores(fn);
  }

  /**
   * CreateVolume from the product's snapshots, encrypted, tagged with the restore tags by the
   * same call, with the keys of restoreKeys.
   */
  grantCreateVolumes(fn: BackupFunction): void {
    const volumes = this.arns(fn, 'volume');
    const snapshots = this.arns(fn, 'snapshot');
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'CreateOnlyEncryptedRestoreTaggedVolumes',
        actions: ['ec2:CreateVolume'],
        resources: volumes,
        conditions: { ...REQUEST_TAGGED_RESTORE, Bool: { 'ec2:Encrypted': 'true' } },
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'CreateVolumesOnlyFromTheProductsSnapshots',
        actions: ['ec2:CreateVolume'],
        resources: snapshots,
        conditions: RESOURCE_TAGGED_MANAGED,
      }),
    );
    this.tagOnCreate(fn, volumes, 'CreateVolume');
    this.acknowledgeNew(fn, volumes, 'CreateVolume creates a volume whose id EC2 generates');
    this.acknowledgeManaged(fn, snapshots, 'snapshots');
    this.keys.grantUseVolumeKeys(fn);
  }

  /**
   * AttachVolume of a restored volume (aws:ResourceTag backup:restore-id) to the instance the
   * request names, and DetachVolume of it again (cleanup after a failure or a cancel).
   */
  grantAttachVolumes(fn: BackupFunction): void {
    const volumes = this.arns(fn, 'volume');
    const instances = this.arns(fn, 'instance');
    const actions = ['ec2:AttachVolume', 'ec2:DetachVolume'];
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'AttachOnlyRestoredVolumes',
        actions,
        resources: volumes,
        conditions: RESOURCE_TAGGED_RESTORE,
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'AttachToTheRequestsInstance',
        actions,
        resources: instances,
      }),
    );
    this.acknowledgeRestored(fn, volumes, 'AttachVolume/DetachVolume');
    for (const arn of instances) {
      acknowledge(
        fn.role,
        wildcardResource(arn, fn),
        'The instance a restored volume is attached to is chosen by the request (and checked by the preflight); EC2 authorises Attach/DetachVolume on both the instance and the volume, and the volume statement allows only volumes a restore created (aws:ResourceTag backup:restore-id).',
      );
    }
  }

  /**
   * RunInstances of the product's images, only for instances and volumes tagged with the restore
   * tags by the launch itself, only with IMDSv2 required; into the subnet, security groups and
   * key pair the request names; with an instance profile of the allow-list only.
   */
  grantRunInstances(fn: BackupFunction): void {
    const instances = this.arns(fn, 'instance');
    const volumes = this.arns(fn, 'volume');
    const images = this.arns(fn, 'image');
    const chosen = ['subnet', 'security-group', 'key-pair', 'network-interface'].flatMap((type) =>
      this.arns(fn, type),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'LaunchOnlyRestoreTaggedInstancesWithImdsV2',
        actions: ['ec2:RunInstances'],
        resources: instances,
        conditions: {
          ...REQUEST_TAGGED_RESTORE,
          StringEquals: { 'ec2:MetadataHttpTokens': 'required' },
        },
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'LaunchOnlyRestoreTaggedVolumes',
        actions: ['ec2:RunInstances'],
        resources: volumes,
        conditions: REQUEST_TAGGED_RESTORE,
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'LaunchOnlyTheProductsImages',
        actions: ['ec2:RunInstances'],
        resources: images,
        conditions: RESOURCE_TAGGED_MANAGED,
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'LaunchIntoTheRequestsNetwork',
        actions: ['ec2:RunInstances'],
        resources: chosen,
      }),
    );
    this.tagOnCreate(fn, [...instances, ...volumes], 'RunInstances');
    this.acknowledgeNew(fn, instances, 'RunInstances creates an instance whose id EC2 generates');
    this.acknowledgeNew(fn, volumes, 'RunInstances creates volumes from the image');
    this.acknowledgeManaged(fn, images, 'images');
    for (const arn of chosen) {
      acknowledge(
        fn.role,
        wildcardResource(arn, fn),
        'The subnet, security groups and key pair of a restored instance are chosen by the request (subnet required, never a default-VPC fallback) and checked by the preflight; the network interface a launch creates has an id EC2 generates. The instance itself must carry the restore tags and require IMDSv2.',
      );
    }
    this.grantPassInstanceProfiles(fn);
  }

  /** iam:PassRole (to EC2) of the roles of the allow-listed instance profiles; none without a list. */
  private grantPassInstanceProfiles(fn: BackupFunction): void {
    const roles = this.allowLists.instanceProfileRoles;
    if (roles.length === 0) return;
    const stack = Stack.of(fn);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'PassOnlyAllowListedInstanceProfileRoles',
        actions: ['iam:PassRole'],
        resources: roles.map((name) =>
          stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: name }),
        ),
        conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      }),
    );
  }

  /**
   * Undo what a restore created: terminate its instances, detach and delete its volumes,
   * deregister its images, only
   * when they carry `backup:restore-id` (which this product's roles set only in a creating call).
   */
  grantCleanUpRestored(fn: BackupFunction): void {
    const instances = this.arns(fn, 'instance');
    const volumes = this.arns(fn, 'volume');
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'TerminateOnlyRestoredInstances',
        actions: ['ec2:TerminateInstances'],
        resources: instances,
        conditions: RESOURCE_TAGGED_RESTORE,
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'DeleteOnlyRestoredVolumes',
        actions: ['ec2:DeleteVolume'],
        resources: volumes,
        conditions: RESOURCE_TAGGED_RESTORE,
      }),
    );
    this.grantDetachRestoredVolumes(fn, volumes, instances);
    this.images.grantDeregisterRestoredImages(fn);
    this.acknowledgeRestored(fn, instances, 'TerminateInstances');
    this.acknowledgeRestored(fn, volumes, 'DeleteVolume and DetachVolume');
  }

  /**
   * DetachVolume is authorised on the volume and the instance: the volume must be a restored one,
   * the instance is any (a restored volume may be attached to the user's instance).
   */
  private grantDetachRestoredVolumes(
    fn: BackupFunction,
    volumes: string[],
    instances: string[],
  ): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'DetachOnlyRestoredVolumes',
        actions: ['ec2:DetachVolume'],
        resources: volumes,
        conditions: RESOURCE_TAGGED_RESTORE,
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'DetachFromAnyInstance',
        actions: ['ec2:DetachVolume'],
        resources: instances,
      }),
    );
    for (const arn of instances) {
      acknowledge(
        fn.role,
        wildcardResource(arn, fn),
        'A restored volume may have been attached to an instance the request chose; EC2 authorises DetachVolume on the instance and the volume, and the volume statement allows only volumes a restore created (aws:ResourceTag backup:restore-id).',
      );
    }
  }

  /** The restore-test checks of a restored instance: infra/constructs/restore-verify-access.ts. */
  grantVerifyRestoredInstances(fn: BackupFunction): void {
    grantVerifyRestoredInstances(fn, this.scope.allRegions);
  }

  /** Image restores from STORE_TASK exports: infra/constructs/restore-image-access.ts. */
  grantRestoreImages(fn: BackupFunction): void {
    this.images.grantRestoreImages(fn);
  }

  /** The image preflight's reads (the export's object in the export bucket). */
  grantPreflightImages(fn: BackupFunction): void {
    this.images.grantPreflightImages(fn);
  }

  /** Object restores: infra/constructs/restore-object-access.ts. */
  grantReadBackupObjects(fn: BackupFunction): void {
    this.objects.grantReadBackupObjects(fn);
  }

  grantWriteRestoredObjects(fn: BackupFunction): void {
    this.objects.grantWriteRestoredObjects(fn);
  }

  /** The objects preflight's reads (manifests, the target bucket and a sample of its keys). */
  grantPreflightObjects(fn: BackupFunction): void {
    this.objects.grantPreflightObjects(fn);
  }

  /** kms:DescribeKey of the keys a request may name (the preflight's "KMS key usable"). */
  grantDescribeRestoreKeys(fn: BackupFunction): void {
    this.keys.grantDescribeKeys(fn);
  }

  /** iam:GetInstanceProfile of the allow-listed profiles (the preflight checks they exist). */
  grantDescribeInstanceProfiles(fn: BackupFunction): void {
    const profiles = this.allowLists.instanceProfiles;
    if (profiles.length === 0) return;
    const stack = Stack.of(fn);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['iam:GetInstanceProfile'],
        resources: profiles.map((name) =>
          stack.formatArn({
            service: 'iam',
            region: '',
            resource: 'instance-profile',
            resourceName: name,
          }),
        ),
      }),
    );
  }

  /** ec2:CreateTags only inside the creating call (ec2:CreateAction), never on existing resources. */
  private tagOnCreate(fn: BackupFunction, resources: string[], action: string): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ec2:CreateTags'],
        resources,
        conditions: { StringEquals: { 'ec2:CreateAction': action } },
      }),
    );
  }

  /** One ARN per region of the deployment for every resource of that type. */
  private arns(fn: BackupFunction, type: string): string[] {
    const stack = Stack.of(fn);
    return this.scope.allRegions.map((region) => ec2Arn(stack, region, type));
  }

  private acknowledgeNew(fn: BackupFunction, arns: string[], what: string): void {
    for (const arn of arns) {
      acknowledge(
        fn.role,
        wildcardResource(arn, fn),
        `${what}, so it can only be named as <type>/* in the deployment's regions; the request must tag it ${TagKeys.restoreId} and ${TagKeys.restoredFrom} (condition aws:RequestTag), and tags may be set only by the creating call (ec2:CreateAction).`,
      );
    }
  }

  private acknowledgeManaged(fn: BackupFunction, arns: string[], what: string): void {
    for (const arn of arns) {
      acknowledge(
        fn.role,
        wildcardResource(arn, fn),
        `Restores start from the product's own ${what}, whose ids EC2 generated when the backup ran; only those tagged ${TagKeys.managedBy}=${ManagedByValue} (condition aws:ResourceTag).`,
      );
    }
  }

  private acknowledgeRestored(fn: BackupFunction, arns: string[], action: string): void {
    for (const arn of arns) {
      acknowledge(
        fn.role,
        wildcardResource(arn, fn),
        `Restored resources have ids EC2 generated when the restore ran; ${action} is allowed only on resources tagged ${TagKeys.restoreId} (condition aws:ResourceTag), a tag no role of this product can set except in the creating call (ec2:CreateAction).`,
      );
    }
  }
}
