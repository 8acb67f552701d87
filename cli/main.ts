import { Command, CommanderError } from 'commander';
import { BackupError, ConfigError } from '../functions/core/errors.js';
import { COMMANDS, type ActionOf } from './command-definitions.js';
import { ExitCode } from './exit-codes.js';
import { printJson } from './output.js';

/** Errors that mean "bad usage or bad config; nothing was changed" (exit 2). */
const usageErrors = new Set([
  'ConfigError',
  'InvalidInputError',
  'UnknownPolicyError',
  // A restore refused before anything was created (functions/core/restore/restore-errors.ts).
  'RestoreValidationError',
  'InvalidApiRequestError',
  'RecoveryPointNotFoundError',
  'RestoreNotFoundError',
  'IdempotencyConflictError',
  'RestoreNotCancellableError',
]);

export function buildProgram(run: (code: number) => void): Command {
  const program = new Command('backupctl')
    .description('Tag-driven backups for AWS: snapshots, DR copies, catalog.')
    .option(
      '--config <path>',
      'configuration file (default $BACKUP_CONFIG or ./backup.config.json)',
    )
    .option('--region <region>', 'region to act in (default: the config primaryRegion)')
    .option('--json', 'print one JSON document on stdout')
    .option('--local', "execute the workflow's ASL in-process with the real handlers")
    .exitOverride()
    .showHelpAfterError();

  const action: ActionOf =
    <T>(command: (options: T) => Promise<number>) =>
    async (...parameters: unknown[]) => {
      // Commander passes a command's arguments first, then its options, then the command.
      const cmd = parameters.at(-1) as Command;
      run(await command({ ...cmd.optsWithGlobals(), args: cmd.args } as T));
    };
  for (const define of COMMANDS) define(program, action);
  return program;
}

/** Runs the CLI and returns its exit code; errors become messages, never stack traces. */
export async function main(argv: string[]): Promise<number> {
  let code: number = ExitCode.ok;
  const program = buildProgram((result) => {
    code = result;
  });
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.badUsage;
    }
    const known = error instanceof BackupError;
    const exitCode =
      known && usageErrors.has(error.name) ? ExitCode.badUsage : ExitCode.somethingFailed;
    const message = error instanceof Error ? error.message : String(error);
    if (json) {
      printJson({
        error: {
          name: error instanceof Error ? error.name : 'Error',
          message,
          ...(error instanceof ConfigError ? { issues: error.issues } : {}),
        },
      });
    }
    process.stderr.write(`backupctl: ${message}\n`);
    return exitCode;
  }
}
