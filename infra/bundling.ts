import { spawnSync } from 'node:child_process';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { repoRoot } from './paths.js';

/** The file a function's bundle is written to, and the Lambda handler it exports. */
export const BUNDLE_FILE = 'index.mjs';
export const HANDLER = 'index.handler';

/** Some CommonJS dependencies call require(); the ESM bundle gives them one. */
const REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** The AWS SDK's generated schema modules: every shape of a service (`dist-es/schemas/schemas_0.js`). */
const SDK_SCHEMA_MODULE =
  /[\\/]node_modules[\\/]@aws-sdk[\\/].+[\\/]dist-es[\\/](?:.+[\\/])?schemas[\\/]schemas_\d+\.js$/;

/**
 * Writes each computed key that names a module constant (`{ [_xN]: _iI }` after
 * `const _xN = "xmlName";`) as the string it names (`{ ["xmlName"]: _iI }`). The module means the
 * same when it runs, but esbuild can now see that building such an object has no side effects,
 * so it drops every shape no command of the bundle reaches. A module with any scope in which a
 * constant could be shadowed (a function, a block, an arrow with parameters) is left as it is;
 * the SDK's schema modules have none: top-level declarations and `() => Shape$` references only.
 */
export function withLiteralKeys(source: string): string {
  if (/\bfunction\s*[\w$]*\s*\(|=>\s*\{|[\w$]\s*=>|[^(\s]\s*\)\s*=>/.test(source)) return source;
  const constants = new Map<string, string>();
  for (const [, name, literal] of source.matchAll(/^const (\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) {
    constants.set(name!, literal!);
  }
  return source.replace(/\[(\w+)\]:/g, (key, name: string) => {
    const literal = constants.get(name);
    return literal === undefined ? key : `[${literal}]:`;
  });
}

/**
 * Lets esbuild tree-shake the SDK's schema modules (ADR 0010): without it a bundle keeps every
 * shape of every client it imports, 553 KiB for EC2 whatever few commands a function sends.
 */
export const sdkSchemasWithLiteralKeys: Plugin = {
  name: 'sdk-schemas-with-literal-keys',
  setup(build) {
    build.onLoad({ filter: SDK_SCHEMA_MODULE }, async ({ path }) => ({
      contents: withLiteralKeys(await readFile(path, 'utf8')),
      loader: 'js',
    }));
  },
};

/**
 * The esbuild options every function of the orchestrator is bundled with: ESM for Node 24, every
 * dependency bundled (the AWS SDK too: the deployed code runs the exact versions the tests ran),
 * minified, with a linked external source map (`index.mjs.map` beside the bundle, which Node reads
 * when it loads the bundle under `--enable-source-maps`). Only where the bundle goes varies.
 */
export const functionBundling = {
  absWorkingDir: repoRoot,
  bundle: true,
  format: 'esm',
  target: 'node24',
  platform: 'node',
  mainFields: ['module', 'main'],
  minify: true,
  // Error class names are the contract with ASL Retry/Catch (ThrottledError, ...): the
  // minifier must not rename them.
  keepNames: true,
  sourcemap: true,
  sourcesContent: false,
  banner: { js: REQUIRE_BANNER },
  metafile: true,
  logLevel: 'warning',
  plugins: [sdkSchemasWithLiteralKeys],
} as const satisfies BuildOptions;

/** Bundles one function's handler into `<outdir>/index.mjs`; returns esbuild's metafile. */
export async function bundleFunction(entry: string, outdir: string): Promise<Metafile> {
  const result = await build({
    ...functionBundling,
    entryPoints: [entry],
    outfile: join(outdir, BUNDLE_FILE),
  });
  return result.metafile;
}

/**
 * Bundles many handlers in one esbuild run (each parsed dependency is shared, so this is several
 * times faster than one run each), each into `<outRoot>/<entry's name>/index.mjs`. Each bundle is
 * the same, byte for byte, as `bundleFunction` makes of its entry alone (no code splitting; a
 * test compares them); the bench and the budget test use this.
 */
export async function bundleFunctions(
  entries: readonly string[],
  outRoot: string,
): Promise<Metafile> {
  const result = await build({
    ...functionBundling,
    entryPoints: [...entries],
    outdir: outRoot,
    entryNames: `[name]/${BUNDLE_FILE.replace(/\.mjs$/, '')}`,
    outExtension: { '.js': '.mjs' },
  });
  return result.metafile;
}

/** Where `bundleFunctions` writes the bundle of `entry`. */
export function bundleFileOf(entry: string, outRoot: string): string {
  return join(outRoot, basename(entry).replace(/\.ts$/, ''), BUNDLE_FILE);
}

/**
 * The same, synchronously, for the CDK (asset bundling is synchronous, and esbuild runs plugins
 * only in its asynchronous API): `infra/bundle-function.ts` in a child process.
 */
export function bundleFunctionSync(entry: string, outdir: string): void {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'infra', 'bundle-function.ts'), entry, outdir],
    // stdout carries the synthesized template when `cdk synth` prints it: progress goes to stderr.
    { cwd: repoRoot, stdio: ['ignore', 2, 2] },
  );
  if (child.status !== 0) {
    throw new Error(`bundling ${entry} failed (${child.error?.message ?? `exit ${child.status}`})`);
  }
}
