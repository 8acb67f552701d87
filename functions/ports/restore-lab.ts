import type { Tags } from '../core/tag-keys.js';
import type { RestoreCleanup } from './restore-cleanup.js';
import type { RestoreLaunch } from './restore-launch.js';
import type { RestoreObservation } from './restore-observation.js';
import type { RestoreVerdictTags } from './restore-verdict-tags.js';

/**
 * Where restore tests boot images (EC2 + SSM in one region), as one port per concern: launching
 * (restore-launch.ts), observing the machines and asking their guests (restore-observation.ts),
 * cleaning up what tests leave (restore-cleanup.ts), and tagging verdicts on images
 * (restore-verdict-tags.ts). Implementations translate provider errors into ThrottledError /
 * TransientAwsError / InsufficientCapacityError / AwsRequestError (functions/ports/errors) so the
 * steps can tell "try later" from "this failed". Each step takes only the ports it uses.
 */
export interface RestoreLab {
  launcher: RestoreLaunch;
  observer: RestoreObservation;
  cleanup: RestoreCleanup;
  verdictTags: RestoreVerdictTags;
}

/** A test machine as EC2 describes it. */
export interface LabInstance {
  instanceId: string;
  imageId: string;
  /** pending | running | shutting-down | terminated | stopping | stopped */
  state: string;
  /** The primary network interface's private IPv4 address. */
  privateIp?: string;
  /** "Code: message" of the state reason, when EC2 gives one. */
  stateReason?: string;
  launchTime?: string;
  tags: Tags;
}
