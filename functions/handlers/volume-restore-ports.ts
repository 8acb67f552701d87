import { Ec2VolumeRestoreTarget } from '../adapters/ec2-volume-restore-target.js';
import { KmsKeyDirectory } from '../adapters/kms-key-directory.js';
import type { KeyDirectory, VolumeRestoreTarget } from '../ports/volume-restore-target.js';
import type { VolumePreflightPorts } from '../steps/restore/volume-preflight.js';
import { perRegion } from './per-region.js';

/** EBS for volume restores, one per region, made on first use (the workflow's Tasks take this alone). */
export const volumeRestoreTargetFor: (region: string) => VolumeRestoreTarget =
  /* @__PURE__ */ perRegion((region) => new Ec2VolumeRestoreTarget(region));

export const keyDirectoryFor: (region: string) => KeyDirectory = /* @__PURE__ */ perRegion(
  (region) => new KmsKeyDirectory(region),
);

/** The real ports of the volume preflight (functions/steps/restore/volume-preflight.ts) in a region. */
export function volumePreflightPortsFor(region: string): VolumePreflightPorts {
  return { volumes: volumeRestoreTargetFor(region), keys: keyDirectoryFor(region) };
}
