import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Runs once before any test file: makes sure a `moto_server` exists (ensureMotoInstalled
 * installs the pinned one into `.venv` if needed) so parallel workers never race to
 * install it. Nothing global is started; each test file starts its own emulator
 * (test/support/emulator.ts).
 *
 * Jest loads this file outside its module system (no moduleNameMapper), so the
 * emulator's `.js`-suffixed TypeScript imports would not resolve here; a short tsx
 * child process runs the real code instead.
 */
export default function globalSetup(globalConfig: { rootDir: string }): void {
  const installer = pathToFileURL(join(globalConfig.rootDir, 'emulator', 'moto-install.ts')).href;
  const script = `const { ensureMotoInstalled } = await import(${JSON.stringify(installer)}); await ensureMotoInstalled();`;
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      cwd: globalConfig.rootDir,
      stdio: 'inherit',
    },
  );
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0)
    throw new Error(`could not find or install moto_server (exit ${result.status}); see above`);
}
