import * as iam from 'aws-cdk-lib/aws-iam';
import { acknowledge, wildcardResource } from '../nag.js';
import type { BackupFunction } from './backup-function.js';

/** The EC2 Describe calls a step makes (volumes, snapshots, images, instances, tasks...). */
export class Ec2DescribeAccess {
  /** ec2:Describe* calls: EC2 supports no resource-level permissions for them. */
  grantDescribe(fn: BackupFunction, actions: ReadonlyArray<`ec2:Describe${string}`>): void {
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: [...actions], resources: ['*'] }));
    acknowledge(
      fn.role,
      wildcardResource('*'),
      `${actions.join(' and ')} accept no resource-level permissions: Resource "*" is the only value EC2 allows for them.`,
    );
  }
}
