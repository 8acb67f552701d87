import { Ec2ImageRestoreTarget } from '../adapters/ec2-image-restore-target.js';
import type { ImageRestoreTarget } from '../ports/image-restore-target.js';
import type { ImagePreflightPorts } from '../steps/restore/image-preflight.js';
import { perRegion } from './per-region.js';

/** EC2 and S3 for image restores, one per region, made on first use. */
export const imageRestoreTargetFor: (region: string) => ImageRestoreTarget =
  /* @__PURE__ */ perRegion((region) => new Ec2ImageRestoreTarget(region));

/** The real ports of the image preflight (functions/steps/restore/image-preflight.ts) in a region. */
export function imagePreflightPortsFor(region: string): ImagePreflightPorts {
  return { images: imageRestoreTargetFor(region) };
}
