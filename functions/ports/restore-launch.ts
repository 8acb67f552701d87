import { BackupError } from '../core/errors.js';
import type { Tags } from '../core/tag-keys.js';
import type { LabInstance } from './restore-lab.js';

/** EC2 has no capacity for the instance type right now (InsufficientInstanceCapacity etc.); retry later. */
export class InsufficientCapacityError extends BackupError {
  constructor(
    readonly operation: string,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`${operation}: no capacity: ${detail}`, options);
  }
}

export interface LaunchRequest {
  imageId: string;
  instanceType: string;
  subnetId: string;
  securityGroupIds: string[];
  /** Name or ARN. */
  instanceProfile: string;
  /** Idempotency token: a retried call with the same token launches nothing new. */
  clientToken: string;
  /** Applied to the instance, its volumes and its network interface at launch. */
  tags: Tags;
}

/** Boots images for restore tests (functions/ports/restore-lab.ts: the lab's other ports). */
export interface RestoreLaunch {
  readonly region: string;
  /** RunInstances: no public IP, IMDSv2 required, every EBS volume deleted on termination. */
  launch(request: LaunchRequest): Promise<LabInstance>;
}
