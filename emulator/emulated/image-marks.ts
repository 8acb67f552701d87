import { InvalidTestCloudSettingError } from '../errors.js';
import { EmulatedError } from './wire.js';

/**
 * Facts about an image that moto cannot hold, set by tests: marketplace product codes
 * (which make an image unexportable) and a failure its export and store tasks end in.
 */
export interface ImageMarks {
  /** Shown as marketplace product codes in DescribeImages; ExportImage and CreateStoreImageTask refuse the image. */
  productCodes?: string[];
  /** When set, the image's export and store tasks fail with this message instead of completing. */
  exportFailure?: string;
}

export function parseImageMarks(input: unknown): ImageMarks {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new InvalidTestCloudSettingError('image marks must be an object');
  const { productCodes, exportFailure, ...rest } = input as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0)
    throw new InvalidTestCloudSettingError(`unknown image mark field(s): ${unknown.join(', ')}`);
  const marks: ImageMarks = {};
  if (productCodes !== undefined) {
    if (
      !Array.isArray(productCodes) ||
      productCodes.some((code) => typeof code !== 'string' || code === '')
    )
      throw new InvalidTestCloudSettingError(
        `image marks productCodes must be an array of non-empty strings, got ${JSON.stringify(productCodes)}`,
      );
    marks.productCodes = [...(productCodes as string[])];
  }
  if (exportFailure !== undefined) {
    if (typeof exportFailure !== 'string' || exportFailure === '')
      throw new InvalidTestCloudSettingError(
        `image marks exportFailure must be a non-empty string, got ${JSON.stringify(exportFailure)}`,
      );
    marks.exportFailure = exportFailure;
  }
  return marks;
}

export function parseImageId(input: unknown): string {
  if (typeof input !== 'string' || !/^ami-[0-9a-z]+$/.test(input))
    throw new InvalidTestCloudSettingError(
      `expected an image id (ami-...), got ${JSON.stringify(input)}`,
    );
  return input;
}

export class ImageMarkStore {
  private readonly marks = new Map<string, ImageMarks>();

  set(imageId: string, marks: unknown): void {
    this.marks.set(parseImageId(imageId), parseImageMarks(marks));
  }

  get(imageId: string): ImageMarks | undefined {
    return this.marks.get(imageId);
  }

  /** A copy carries its source's marks (AWS keeps product codes on CopyImage). */
  copy(sourceImageId: string, imageId: string): void {
    const marks = this.marks.get(sourceImageId);
    if (marks !== undefined && !this.marks.has(imageId))
      this.marks.set(imageId, structuredClone(marks));
  }

  productCodes(imageId: string): string[] {
    return this.marks.get(imageId)?.productCodes ?? [];
  }

  clear(): void {
    this.marks.clear();
  }

  list(): Record<string, ImageMarks> {
    return Object.fromEntries([...this.marks].map(([id, marks]) => [id, structuredClone(marks)]));
  }

  /** Throws EC2's InvalidParameter when the image carries product codes. */
  assertExportable(imageId: string, fromMoto: readonly string[] = []): void {
    const codes = [...new Set([...fromMoto, ...this.productCodes(imageId)])];
    if (codes.length > 0) {
      throw new EmulatedError(
        400,
        'InvalidParameter',
        `Image ${imageId} has product codes (${codes.join(', ')}); images with product codes cannot be exported.`,
      );
    }
  }
}
