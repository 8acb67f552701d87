import { InvalidTestCloudSettingError } from '../errors.js';
import { parseImageId } from './image-marks.js';

/** What the simulated guest's own network self-check finds wrong, if anything. */
export type GuestSelfCheck =
  'healthy' | 'wrong-ip' | 'no-default-route' | 'dns-fails' | 'imds-fails';
const SELF_CHECKS: readonly string[] = [
  'healthy',
  'wrong-ip',
  'no-default-route',
  'dns-fails',
  'imds-fails',
];

/**
 * How instances launched from an image behave as SSM-managed guests. Images without a
 * profile get DEFAULT_GUEST_PROFILE: the agent online at once, the guest healthy.
 */
export interface GuestProfile {
  /** 'never': the SSM agent never registers (absent from DescribeInstanceInformation). */
  agent: 'online' | 'never';
  /** DescribeInstanceInformation polls covering the instance before its agent shows up. Default 0. */
  onlineAfterPolls?: number;
  selfCheck: GuestSelfCheck;
  /** Answered (base64) by GetConsoleOutput instead of moto's canned boot log. */
  consoleOutput?: string;
  /** GetCommandInvocation polls answered `InProgress` before the result. Default 0. */
  commandPendingPolls?: number;
}

export const DEFAULT_GUEST_PROFILE: Readonly<GuestProfile> = Object.freeze({
  agent: 'online',
  onlineAfterPolls: 0,
  selfCheck: 'healthy',
});

export function parseGuestProfile(input: unknown): GuestProfile {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new InvalidTestCloudSettingError('a guest profile must be an object');
  const { agent, onlineAfterPolls, selfCheck, consoleOutput, commandPendingPolls, ...rest } =
    input as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0)
    throw new InvalidTestCloudSettingError(`unknown guest profile field(s): ${unknown.join(', ')}`);
  if (agent !== 'online' && agent !== 'never')
    throw new InvalidTestCloudSettingError(
      `guest profile agent must be 'online' or 'never', got ${JSON.stringify(agent)}`,
    );
  if (typeof selfCheck !== 'string' || !SELF_CHECKS.includes(selfCheck))
    throw new InvalidTestCloudSettingError(
      `guest profile selfCheck must be one of ${SELF_CHECKS.join(', ')}, got ${JSON.stringify(selfCheck)}`,
    );
  const profile: GuestProfile = { agent, selfCheck: selfCheck as GuestSelfCheck };
  for (const [name, value] of [
    ['onlineAfterPolls', onlineAfterPolls],
    ['commandPendingPolls', commandPendingPolls],
  ] as const) {
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
      throw new InvalidTestCloudSettingError(
        `guest profile ${name} must be a non-negative integer, got ${JSON.stringify(value)}`,
      );
    profile[name] = value;
  }
  if (consoleOutput !== undefined) {
    if (typeof consoleOutput !== 'string')
      throw new InvalidTestCloudSettingError('guest profile consoleOutput must be a string');
    profile.consoleOutput = consoleOutput;
  }
  return profile;
}

export class GuestProfiles {
  private readonly profiles = new Map<string, GuestProfile>();

  set(imageId: string, profile: unknown): void {
    this.profiles.set(parseImageId(imageId), parseGuestProfile(profile));
  }

  /** The image's profile, or the default one. */
  for(imageId: string): GuestProfile {
    return this.profiles.get(imageId) ?? DEFAULT_GUEST_PROFILE;
  }

  clear(): void {
    this.profiles.clear();
  }

  list(): Record<string, GuestProfile> {
    return Object.fromEntries([...this.profiles].map(([id, p]) => [id, { ...p }]));
  }
}
