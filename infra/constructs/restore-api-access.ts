import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { acknowledge, wildcardResource } from '../nag.js';
import type { BackupFunction } from './backup-function.js';
import type { CatalogTable } from './catalog-table.js';
import type { Ec2DescribeAccess } from './ec2-describe-access.js';
import type { RestoreAccess } from './restore-access.js';

/** The EC2 reads of the preflights (functions/steps/restore/*-preflight.ts) and of a cancel's search by tag. */
export const RESTORE_API_DESCRIBE_ACTIONS = [
  'ec2:DescribeAvailabilityZones',
  'ec2:DescribeSnapshots',
  'ec2:DescribeVolumes',
  'ec2:DescribeImages',
  'ec2:DescribeInstances',
  'ec2:DescribeInstanceTypes',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeKeyPairs',
] as const;

export interface RestoreApiGrants {
  readonly restores: RestoreAccess;
  readonly catalog: CatalogTable;
  readonly ec2: Ec2DescribeAccess;
  /** The restore workflows the API starts, with their physical names. */
  readonly stateMachines: readonly RestoreStateMachine[];
}

export interface RestoreStateMachine {
  readonly stateMachine: sfn.IStateMachine;
  readonly name: string;
}

/**
 * The restore API function's role: the restore table; the catalog, read only; the preflights'
 * reads; start, follow and stop executions of the restore workflows and nothing else; EC2
 * DryRun of the very CreateVolume/RunInstances a restore makes (DryRun checks the caller's
 * permissions, so the API holds the same restore-tagged create grants as the workflows); and a
 * cancel's cleanup, which terminates and deletes only what carries a `backup:restore-id`.
 */
export function grantRestoreApi(fn: BackupFunction, grants: RestoreApiGrants): void {
  const { restores, catalog, ec2 } = grants;
  restores.table.grantManageRestores(fn);
  catalog.grantBrowseRecoveryPoints(fn);
  ec2.grantDescribe(fn, RESTORE_API_DESCRIBE_ACTIONS);
  restores.grantDescribeRestoreKeys(fn);
  restores.grantDescribeInstanceProfiles(fn);
  restores.grantPreflightObjects(fn);
  restores.grantPreflightImages(fn);
  restores.grantCreateVolumes(fn);
  restores.grantRunInstances(fn);
  restores.grantCleanUpRestored(fn);
  grantRunRestoreWorkflows(fn, grants.stateMachines);
}

/** StartExecution of the restore workflows; Describe/Stop of their executions only. */
function grantRunRestoreWorkflows(
  fn: BackupFunction,
  stateMachines: readonly RestoreStateMachine[],
): void {
  if (stateMachines.length === 0) return;
  const stack = Stack.of(fn);
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['states:StartExecution'],
      resources: stateMachines.map(({ stateMachine }) => stateMachine.stateMachineArn),
    }),
  );
  const executions = stateMachines.map(({ name }) =>
    stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${name}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['states:DescribeExecution', 'states:StopExecution'],
      resources: executions,
    }),
  );
  for (const arn of executions) {
    acknowledge(
      fn.role,
      wildcardResource(arn, fn),
      "A restore's execution is named by its restoreId, generated when the restore is requested: executions can only be named as execution:<restore workflow>:* (Describe and Stop only).",
    );
  }
}
