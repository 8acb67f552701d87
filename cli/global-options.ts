/** Flags every command takes (docs/architecture.md §2.3). */
export interface GlobalOptions {
  config?: string;
  region?: string;
  json?: boolean;
  local?: boolean;
}

/** The catalog table: flag, else $CATALOG_TABLE_NAME, else the name the stack gives it. */
export function catalogTableName(explicit?: string): string {
  return explicit ?? process.env.CATALOG_TABLE_NAME ?? 'backup-orchestrator-catalog';
}

/** True when an AWS-compatible endpoint (the local emulator) stands in for AWS. */
export function usingCustomEndpoint(): boolean {
  return Boolean(process.env.AWS_ENDPOINT_URL);
}
