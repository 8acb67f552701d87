import type { RenderedResponse } from '../error-responses.js';
import type { Upstream } from './upstream.js';
import { EmulatedError, ec2Answer, el, type QueryParams } from './wire.js';

const MINUTE_MS = 60_000;
const TEN_YEARS_MS = 10 * 366 * 24 * 60 * MINUTE_MS;

/**
 * EnableImageDeprecation / DisableImageDeprecation, which moto lacks. The time is kept
 * per image id and shown as `<deprecationTime>` in DescribeImages (see describe-images.ts).
 */
export class ImageDeprecations {
  private readonly times = new Map<string, Date>();

  constructor(private readonly upstream: Upstream) {}

  deprecationTime(imageId: string): Date | undefined {
    return this.times.get(imageId);
  }

  clear(): void {
    this.times.clear();
  }

  list(): Record<string, string> {
    return Object.fromEntries([...this.times].map(([id, at]) => [id, at.toISOString()]));
  }

  async enable(region: string, params: QueryParams, now = new Date()): Promise<RenderedResponse> {
    const imageId = params.required('ImageId');
    const raw = params.required('DeprecateAt');
    const parsed = new Date(raw);
    if (Number.isNaN(parsed.getTime()))
      throw new EmulatedError(
        400,
        'InvalidParameterValue',
        `Invalid value '${raw}' for DeprecateAt`,
      );
    // EC2 rounds seconds to the nearest minute.
    const at = new Date(Math.round(parsed.getTime() / MINUTE_MS) * MINUTE_MS);
    if (at.getTime() <= now.getTime())
      throw new EmulatedError(400, 'InvalidParameterValue', 'DeprecateAt must be in the future.');
    if (at.getTime() > now.getTime() + TEN_YEARS_MS)
      throw new EmulatedError(
        400,
        'InvalidParameterValue',
        'DeprecateAt must be at most 10 years from now.',
      );
    await this.assertImage(region, imageId);
    this.times.set(imageId, at);
    return ec2Answer('EnableImageDeprecation', el('return', true));
  }

  async disable(region: string, params: QueryParams): Promise<RenderedResponse> {
    const imageId = params.required('ImageId');
    await this.assertImage(region, imageId);
    this.times.delete(imageId);
    return ec2Answer('DisableImageDeprecation', el('return', true));
  }

  private async assertImage(region: string, imageId: string): Promise<void> {
    if ((await this.upstream.findImage(region, imageId)) === undefined)
      throw imageNotFound(imageId);
  }
}

export function imageNotFound(imageId: string): EmulatedError {
  return new EmulatedError(
    400,
    'InvalidAMIID.NotFound',
    `The image id '[${imageId}]' does not exist`,
  );
}
