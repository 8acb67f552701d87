/** What an image looks like for the purpose of exporting it. */
export interface ExportCandidate {
  imageId: string;
  productCodes: string[];
  platform?: string;
  encryptedSnapshots: string[];
}

export type ExportMethod = 'export-image' | 'store-image-task';

/**
 * Reasons an image cannot leave AWS in a portable form, found before any call so the run reports
 * them plainly instead of failing inside the service: VM Import/Export refuses images with
 * product codes (Marketplace), license-included Windows, and encrypted snapshots; the store-task
 * API refuses product codes. (Images made by CreateImage are always EBS-backed, so that
 * restriction of both APIs cannot apply.)
 */
export function exportBlockers(image: ExportCandidate, method: ExportMethod): string[] {
  const blockers: string[] = [];
  if (image.productCodes.length > 0) {
    blockers.push(
      `${image.imageId} carries product codes (${image.productCodes.join(', ')}), e.g. from AWS Marketplace`,
    );
  }
  if (method === 'export-image') {
    if (image.platform?.toLowerCase() === 'windows') {
      blockers.push(
        `${image.imageId} is a license-included Windows image, which VM Import/Export cannot export`,
      );
    }
    if (image.encryptedSnapshots.length > 0) {
      blockers.push(
        `${image.imageId} has encrypted snapshots (${image.encryptedSnapshots.join(', ')}), which ExportImage does not support; use format STORE_TASK`,
      );
    }
  }
  return blockers;
}

/** File extension of an ExportImage artifact, as the service names it. */
export function exportExtension(format: 'VMDK' | 'VHD' | 'RAW'): string {
  return format.toLowerCase();
}
