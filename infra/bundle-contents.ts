import type { Metafile } from 'esbuild';

/** What one bundle holds, read from esbuild's metafile. */
export interface BundleContents {
  /** Size of the bundle file in bytes. */
  readonly bytes: number;
  /** The `@aws-sdk/client-*` packages bundled, by their short name (`ec2`, `s3`, ...). */
  readonly clients: readonly string[];
  /** Bytes in the bundle per input package (`zod`, `@aws-sdk/client-s3`) or source folder, largest first. */
  readonly inputs: readonly { readonly name: string; readonly bytes: number }[];
}

/** Where an input comes from: its package under node_modules, else its folder (functions/core). */
export function inputGroupOf(path: string): string {
  const inPackage = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  if (inPackage) return inPackage[1]!;
  return path.split('/').slice(0, -1).join('/') || path;
}

/** The contents of the bundle of `entry` (relative to the repository root), from the metafile of its build. */
export function bundleContentsOf(metafile: Metafile, entry: string): BundleContents {
  const output = Object.values(metafile.outputs).find(
    (candidate) => candidate.entryPoint === entry,
  );
  if (!output) throw new Error(`the metafile has no bundle of ${entry}`);
  const groups = new Map<string, number>();
  for (const [path, input] of Object.entries(output.inputs)) {
    const group = inputGroupOf(path);
    groups.set(group, (groups.get(group) ?? 0) + input.bytesInOutput);
  }
  const clients = new Set<string>();
  for (const group of groups.keys()) {
    const client = /^@aws-sdk\/client-(.+)$/.exec(group)?.[1];
    if (client) clients.add(client);
  }
  return {
    bytes: output.bytes,
    clients: [...clients].sort(),
    inputs: [...groups]
      .map(([name, bytes]) => ({ name, bytes }))
      .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name)),
  };
}
