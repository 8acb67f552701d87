import type { RenderedResponse } from '../error-responses.js';
import type { GuestProfiles } from './guest-profiles.js';
import type { Upstream } from './upstream.js';
import { ec2Answer, el, type QueryParams } from './wire.js';

/**
 * GetConsoleOutput for instances whose image's guest profile has `consoleOutput`;
 * undefined (moto answers with its canned boot log) for every other instance.
 */
export async function guestConsoleOutput(
  upstream: Upstream,
  profiles: GuestProfiles,
  region: string,
  params: QueryParams,
): Promise<RenderedResponse | undefined> {
  const instanceId = params.get('InstanceId');
  if (instanceId === undefined) return undefined;
  const instance = await upstream.instance(region, instanceId);
  const output = instance === undefined ? undefined : profiles.for(instance.imageId).consoleOutput;
  if (output === undefined) return undefined;
  return ec2Answer(
    'GetConsoleOutput',
    el('instanceId', instanceId) +
      el('timestamp', new Date()) +
      el('output', Buffer.from(output, 'utf8').toString('base64')),
  );
}
