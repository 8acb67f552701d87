/**
 * Bundles one function: `node --import tsx infra/bundle-function.ts <entry> <outdir>`. The CDK
 * calls it through `bundleFunctionSync` (infra/bundling.ts) for each function's asset.
 */
import { bundleFunction } from './bundling.js';

const [entry, outdir] = process.argv.slice(2);
if (!entry || !outdir) {
  console.error('usage: infra/bundle-function.ts <entry> <outdir>');
  process.exit(2);
}
await bundleFunction(entry, outdir);
