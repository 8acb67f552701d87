/**
 * AMI names must be unique per account and region, 3-128 characters of letters, digits and
 * ( ) [ ] space . / - ' @ _. One image per instance, policy and run.
 */
export function imageName(policy: string, instanceId: string, runId: string): string {
  return `backup-${policy}-${instanceId}-${runId}`
    .replace(/[^A-Za-z0-9()[\] ./'@_-]/g, '_')
    .slice(0, 128);
}

/** Idempotency token for an export of one image in one run (ExportImage's ClientToken, at most 64). */
export function exportClientToken(runId: string, imageId: string): string {
  return `${imageId}-${runId}`.slice(0, 64);
}
