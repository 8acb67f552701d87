import type { Tags } from '../core/tag-keys.js';

/** An image as an instance restore needs to know it. */
export interface RestorableImage {
  imageId: string;
  /** pending | available | failed | deregistered ... */
  state: string;
  ownerId: string;
  tags: Tags;
}

export interface RestoreSubnet {
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
}

export interface RestoredInstance {
  instanceId: string;
  /** pending | running | shutting-down | terminated | stopping | stopped */
  state: string;
  ownerId: string;
  stateReason?: string;
  tags: Tags;
}

export interface LaunchRestoredInstanceRequest {
  imageId: string;
  instanceType: string;
  subnetId: string;
  /** Empty: the VPC's default security group (EC2's choice, in the request's own subnet). */
  securityGroupIds: string[];
  /** An instance profile name (from the configuration's allow-list). */
  instanceProfile?: string;
  keyName?: string;
  associatePublicIpAddress: boolean;
  /** RunInstances' ClientToken: the restore id. */
  clientToken: string;
  /** Applied to the instance and its volumes at launch (TagSpecifications). */
  tags: Tags;
}

/**
 * EC2 in one region, as an instance restore uses it: the facts the preflight checks, the launch,
 * the polls, and what a restore launched found by its `backup:restore-id` tag (for retries that
 * adopt and for clean-up). Every launch has IMDSv2 required and its volumes deleted with it.
 */
export interface InstanceRestoreTarget {
  readonly region: string;
  describeImage(imageId: string): Promise<RestorableImage | undefined>;
  describeSubnet(subnetId: string): Promise<RestoreSubnet | undefined>;
  /** The VPC of each security group that exists; absent ids do not exist. */
  securityGroupVpcs(groupIds: string[]): Promise<Map<string, string>>;
  instanceTypeExists(instanceType: string): Promise<boolean>;
  keyPairExists(keyName: string): Promise<boolean>;
  /** The type of the instance an image was made of, while that instance exists (in this region). */
  sourceInstanceType(instanceId: string): Promise<string | undefined>;
  /** RunInstances with DryRun: undefined when EC2 says it would succeed, else "Code: message". */
  dryRunLaunch(request: LaunchRestoredInstanceRequest): Promise<string | undefined>;
  launch(request: LaunchRestoredInstanceRequest): Promise<RestoredInstance>;
  describeInstance(instanceId: string): Promise<RestoredInstance | undefined>;
  /** Instances tagged `backup:restore-id=<restoreId>` that are not terminated. */
  findRestoreInstances(restoreId: string): Promise<RestoredInstance[]>;
  /** Nothing for ids already gone. */
  terminate(instanceIds: string[]): Promise<void>;
}
