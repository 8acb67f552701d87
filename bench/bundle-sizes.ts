/**
 * Benchmark: the function bundles (issue 10, goals 1 and 2). Every Task of the registry is bundled
 * with the options the stack deploys (infra/bundling.ts), all in one esbuild run; the table gives
 * each bundle's size and its three largest inputs (esbuild's metafile, grouped by package). Then
 * each bundle is imported in a fresh `node` process (the deployed NODE_OPTIONS), `--runs` times,
 * round-robin so drift hits every bundle alike; the medians and the import-time ratio of the
 * largest bundle to the smallest are printed. Asserts nothing (test/infra/bundle-budgets.test.ts
 * checks the budgets).
 *
 *   tsx bench/bundle-sizes.ts [--runs 20] [--sizes-only] [--keep]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleContentsOf, type BundleContents } from '../infra/bundle-contents.js';
import { bundleFileOf, bundleFunctions } from '../infra/bundling.js';
import { COMMON_ENVIRONMENT } from '../infra/constructs/backup-function.js';
import { handlersDir, repoRoot } from '../infra/paths.js';
import { allTasks } from '../statemachines/tasks/registry.js';
import {
  BUNDLE_BUDGETS,
  bundleBudgetOf,
  handlerFileOf,
  type TaskSpec,
} from '../statemachines/tasks/task-spec.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    'sizes-only': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});

interface Bundle {
  readonly task: string;
  readonly spec: TaskSpec;
  readonly file: string;
  readonly contents: BundleContents;
}

const kb = (bytes: number) => (bytes / 1000).toFixed(0);

async function bundleAll(outRoot: string): Promise<Bundle[]> {
  const tasks = [...allTasks()].map(([task, spec]) => ({
    task,
    spec,
    entry: join(handlersDir, `${handlerFileOf(task)}.ts`),
  }));
  const metafile = await bundleFunctions(
    tasks.map(({ entry }) => entry),
    outRoot,
  );
  return tasks.map(({ task, spec, entry }) => ({
    task,
    spec,
    file: bundleFileOf(entry, outRoot),
    contents: bundleContentsOf(metafile, relative(repoRoot, entry)),
  }));
}

function printSizes(bundles: readonly Bundle[]): void {
  console.log(
    "Bundle sizes (KB = 1,000 bytes, minified); budget class from the registry's clients,",
  );
  console.log(
    "limit = what the test enforces, goal = issue 10's figure; inputs grouped by package",
  );
  console.log('');
  console.log(
    `${'Task'.padEnd(22)} ${'KB'.padStart(5)} ${'class'.padEnd(7)} ${'limit'.padStart(5)} ${'goal'.padStart(4)}  ${'SDK clients'.padEnd(32)} largest inputs (KB)`,
  );
  const sorted = [...bundles].sort((a, b) => b.contents.bytes - a.contents.bytes);
  for (const { task, spec, contents } of sorted) {
    const budget = bundleBudgetOf(spec);
    const { limitKb, goalKb } = BUNDLE_BUDGETS[budget];
    const largest = contents.inputs
      .slice(0, 3)
      .map((input) => `${input.name} ${kb(input.bytes)}`)
      .join(', ');
    console.log(
      `${task.padEnd(22)} ${kb(contents.bytes).padStart(5)} ${budget.padEnd(7)} ${String(limitKb).padStart(5)} ${String(goalKb).padStart(4)}  ${(contents.clients.join(',') || '-').padEnd(32)} ${largest}`,
    );
  }
  const within = (pick: 'limitKb' | 'goalKb') =>
    bundles.filter(
      ({ spec, contents }) => contents.bytes <= BUNDLE_BUDGETS[bundleBudgetOf(spec)][pick] * 1000,
    ).length;
  console.log('');
  console.log(
    `within their limit: ${within('limitKb')} of ${bundles.length}; within issue 10's goal: ${within('goalKb')} of ${bundles.length}`,
  );
  const total = bundles.reduce((sum, { contents }) => sum + contents.bytes, 0);
  console.log(
    `largest ${kb(sorted[0]!.contents.bytes)} KB, smallest ${kb(sorted[sorted.length - 1]!.contents.bytes)} KB, all ${bundles.length} together ${kb(total)} KB`,
  );
}

interface ImportSample {
  /** The whole `node` process, spawn to exit: what `node -e "import(...)"` costs. */
  readonly processMs: number;
  /** The import alone, measured inside the process (wall clock). */
  readonly importMs: number;
  /** CPU time of the import, all threads: what a loaded machine disturbs least. */
  readonly importCpuMs: number;
}

const IMPORT_SCRIPT = `const [t, c] = [performance.now(), process.cpuUsage()];
await import(process.env.BUNDLE_URL);
const cpu = process.cpuUsage(c);
process.stdout.write(JSON.stringify({ importMs: performance.now() - t, importCpuMs: (cpu.user + cpu.system) / 1000 }));`;

/** Imports one file in a fresh node with the deployed environment and NODE_OPTIONS of its Task. */
function importOnce(file: string, spec?: TaskSpec): ImportSample {
  const nodeOptions = [COMMON_ENVIRONMENT.NODE_OPTIONS, spec?.nodeOptions].filter(Boolean);
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', IMPORT_SCRIPT], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      ...COMMON_ENVIRONMENT,
      NODE_OPTIONS: nodeOptions.join(' '),
      AWS_REGION: 'us-east-1',
      BUNDLE_URL: pathToFileURL(file).href,
    },
  });
  const processMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0) throw new Error(`importing ${file} failed: ${child.stderr}`);
  return { processMs, ...(JSON.parse(child.stdout) as Omit<ImportSample, 'processMs'>) };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

type Row = { readonly name: string; readonly bytes: number } & ImportSample;

/** Every bundle `runs` times, round-robin, and an empty module as node's own floor; medians. */
function measureImports(bundles: readonly Bundle[], runs: number, outRoot: string): Row[] {
  const empty = join(outRoot, 'empty.mjs');
  writeFileSync(empty, '');
  const targets = [
    ...bundles.map((bundle) => ({
      name: bundle.task,
      bytes: bundle.contents.bytes,
      file: bundle.file,
      spec: bundle.spec,
    })),
    { name: '(empty module)', bytes: 0, file: empty, spec: undefined },
  ];
  const samples = targets.map(() => [] as ImportSample[]);
  for (let run = 0; run < runs; run++) {
    targets.forEach((target, i) => samples[i]!.push(importOnce(target.file, target.spec)));
  }
  return targets.map(({ name, bytes }, i) => ({
    name,
    bytes,
    processMs: median(samples[i]!.map((sample) => sample.processMs)),
    importMs: median(samples[i]!.map((sample) => sample.importMs)),
    importCpuMs: median(samples[i]!.map((sample) => sample.importCpuMs)),
  }));
}

function printImportTimes(rows: readonly Row[], runs: number): void {
  console.log('');
  console.log(
    `Import in a fresh node, medians of ${runs} round-robin runs (node ${process.version}, each Task's deployed NODE_OPTIONS)`,
  );
  console.log('');
  console.log(
    `${'Task'.padEnd(24)} ${'KB'.padStart(6)} ${'process ms'.padStart(11)} ${'import ms'.padStart(10)} ${'import CPU ms'.padStart(14)}`,
  );
  for (const row of [...rows].sort((a, b) => b.bytes - a.bytes)) {
    console.log(
      `${row.name.padEnd(24)} ${kb(row.bytes).padStart(6)} ${row.processMs.toFixed(0).padStart(11)} ${row.importMs.toFixed(1).padStart(10)} ${row.importCpuMs.toFixed(1).padStart(14)}`,
    );
  }
  const functions = rows.filter((row) => row.bytes > 0).sort((a, b) => b.bytes - a.bytes);
  const [largest, smallest] = [functions[0]!, functions[functions.length - 1]!];
  const ratio = (pick: (row: Row) => number) => `${(pick(largest) / pick(smallest)).toFixed(2)}x`;
  console.log('');
  console.log(
    `Import time, largest bundle (${largest.name}) / smallest (${smallest.name}) [goal: at most 1.5x]:`,
  );
  console.log(
    `  ${ratio((row) => row.processMs)} the whole process (node -e "import(...)", as issue 10 measured)`,
  );
  console.log(
    `  ${ratio((row) => row.importMs)} the import alone, ${ratio((row) => row.importCpuMs)} its CPU time`,
  );
}

const outRoot = mkdtempSync(join(tmpdir(), 'bundle-sizes-'));
try {
  const started = performance.now();
  const bundles = await bundleAll(outRoot);
  printSizes(bundles);
  console.log('');
  console.log(
    `${bundles.length} bundles in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  if (!values['sizes-only']) {
    const runs = Number(values.runs);
    printImportTimes(measureImports(bundles, runs, outRoot), runs);
  }
} finally {
  if (values.keep) console.log(`bundles kept in ${outRoot}`);
  else rmSync(outRoot, { recursive: true, force: true });
}
