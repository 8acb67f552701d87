import { Ec2InstanceRestoreTarget } from '../adapters/ec2-instance-restore-target.js';
import type { InstanceRestoreTarget } from '../ports/instance-restore-target.js';
import type { InstancePreflightPorts } from '../steps/restore/instance-preflight.js';
import { perRegion } from './per-region.js';

/** EC2 for instance restores, one per region, made on first use. */
export const instanceRestoreTargetFor: (region: string) => InstanceRestoreTarget =
  /* @__PURE__ */ perRegion((region) => new Ec2InstanceRestoreTarget(region));

/** The real ports of the instance preflight in a region, with the configuration's allow-list. */
export function instancePreflightPortsFor(
  region: string,
  allowedInstanceProfiles: readonly string[],
): InstancePreflightPorts {
  return { instances: instanceRestoreTargetFor(region), allowedInstanceProfiles };
}
