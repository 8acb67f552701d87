import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleContentsOf, type BundleContents } from '../../infra/bundle-contents.js';
import {
  BUNDLE_FILE,
  bundleFileOf,
  bundleFunction,
  bundleFunctions,
  withLiteralKeys,
} from '../../infra/bundling.js';
import { COMMON_ENVIRONMENT } from '../../infra/constructs/backup-function.js';
import { handlersDir, repoRoot, restoreApiEntry } from '../../infra/paths.js';
import { RESTORE_API_BUDGET, RESTORE_API_CLIENTS } from '../../infra/constructs/restore-api.js';
import { allTasks } from '../../statemachines/tasks/registry.js';
import {
  BUNDLE_BUDGETS,
  bundleBudgetOf,
  handlerFileOf,
  type TaskSpec,
} from '../../statemachines/tasks/task-spec.js';

/**
 * Every function bundled exactly as the stack deploys it (infra/bundling.ts), checked against its
 * registry entry: the SDK clients it holds and its size budget (docs/adr/0010-lean-bundles.md).
 * Sizes are deterministic for a lockfile, so this is a check, not a timing.
 */
describe('the function bundles', () => {
  const outRoot = mkdtempSync(join(tmpdir(), 'bundle-budgets-'));
  const bundles: { task: string; spec: TaskSpec; file: string; contents: BundleContents }[] = [];
  let restoreApi: { file: string; contents: BundleContents };

  beforeAll(async () => {
    const tasks = [...allTasks()].map(([task, spec]) => ({
      task,
      spec,
      entry: join(handlersDir, `${handlerFileOf(task)}.ts`),
    }));
    const metafile = await bundleFunctions(
      [...tasks.map(({ entry }) => entry), restoreApiEntry],
      join(outRoot, 'all'),
    );
    restoreApi = {
      file: bundleFileOf(restoreApiEntry, join(outRoot, 'all')),
      contents: bundleContentsOf(metafile, relative(repoRoot, restoreApiEntry)),
    };
    for (const { task, spec, entry } of tasks) {
      const file = bundleFileOf(entry, join(outRoot, 'all'));
      bundles.push({
        task,
        spec,
        file,
        contents: bundleContentsOf(metafile, relative(repoRoot, entry)),
      });
    }
  }, 180_000);

  afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

  it('are what the stack deploys: one built alone is the same, byte for byte', async () => {
    const entry = join(handlersDir, `${handlerFileOf('SyncBucket')}.ts`);
    await bundleFunction(entry, join(outRoot, 'alone'));
    expect(
      readFileSync(join(outRoot, 'alone', BUNDLE_FILE)).equals(
        readFileSync(bundleFileOf(entry, join(outRoot, 'all'))),
      ),
    ).toBe(true);
  }, 60_000);

  it('hold exactly the SDK clients their registry entries list', () => {
    expect(bundles).toHaveLength(allTasks().size);
    for (const { task, spec, contents } of bundles) {
      expect({ task, clients: contents.clients }).toEqual({
        task,
        clients: [...(spec.clients ?? [])].sort(),
      });
    }
  });

  it('stay within the budget of their class', () => {
    for (const { task, spec, contents } of bundles) {
      const budget = bundleBudgetOf(spec);
      const limitBytes = BUNDLE_BUDGETS[budget].limitKb * 1000;
      expect({ task, budget, withinBudget: contents.bytes <= limitBytes }).toEqual({
        task,
        budget,
        withinBudget: true,
      });
    }
  });

  it("include the restore API's: exactly its clients, within its budget class", () => {
    expect(restoreApi.contents.clients).toEqual([...RESTORE_API_CLIENTS].sort());
    const limitBytes = BUNDLE_BUDGETS[RESTORE_API_BUDGET].limitKb * 1000;
    expect({
      bytes: restoreApi.contents.bytes,
      withinBudget: restoreApi.contents.bytes <= limitBytes,
    }).toEqual({
      bytes: restoreApi.contents.bytes,
      withinBudget: true,
    });
  });

  it('load in node and export a handler', () => {
    const files = bundles.map(({ file }) => pathToFileURL(file).href);
    const script = `for (const file of ${JSON.stringify(files)}) { const { handler } = await import(file); if (typeof handler !== 'function') throw new Error(file + ' exports no handler'); }`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, ...COMMON_ENVIRONMENT, AWS_REGION: 'us-east-1' },
    });
    expect({ status: child.status, stderr: child.stderr }).toEqual({ status: 0, stderr: '' });
  });
});

describe('the SDK schema keys written as literals', () => {
  it('replaces a computed key that names a string constant, and nothing else', () => {
    const source = [
      'const _xN = "xmlName";',
      'const n0 = "com.amazonaws.ec2";',
      'export var Shape$ = [3, n0, "Shape", 0, [_xN], [[0, { [_xN]: `Id`, [other]: 1 }], () => Next$]];',
    ].join('\n');
    expect(withLiteralKeys(source)).toBe(source.replace('{ [_xN]: `Id`', '{ ["xmlName"]: `Id`'));
  });

  it('leaves a module alone where a constant could be shadowed', () => {
    for (const scope of [
      '(_xN) => ({ [_xN]: 1 })',
      '() => { const _xN = "other"; return { [_xN]: 1 }; }',
      'function f(_xN) { return { [_xN]: 1 }; }',
    ]) {
      const source = `const _xN = "xmlName";\nexport var A$ = [{ [_xN]: 1 }, ${scope}];`;
      expect(withLiteralKeys(source)).toBe(source);
    }
  });
});
