import { Command, CommanderError, Option } from 'commander';
import { BackupError, ConfigError } from '../functions/core/errors.js';
import { backupCommand } from './commands/backup.js';
import { demoCommand } from './commands/demo.js';
import { pruneCommand } from './commands/prune.js';
import { recoveryPointsCommand } from './commands/recovery-points.js';
import { restoreCommand } from './commands/restore.js';
import { restoreTestCommand } from './commands/restore-test.js';
import { validateCommand } from './commands/validate.js';
import { ExitCode } from './exit-codes.js';
import { printJson } from './output.js';

/** Errors that mean "bad usage or bad config; nothing was changed" (exit 2). */
const usageErrors = new Set(['ConfigError', 'InvalidInputError', 'UnknownPolicyError']);

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

  const action =
    <T>(command: (options: T) => Promise<number>) =>
    async (_options: unknown, cmd: Command) => {
      run(await command(cmd.optsWithGlobals() as T));
    };

  program
    .command('validate')
    .description(
      'check the config; list opted-in resources with their effective policies; report tag problems',
    )
    .action(action(validateCommand));
  program
    .command('backup')
    .description('one backup run of a policy')
    .requiredOption('--policy <name>', 'policy to run')
    .option('--run-id <id>', 'run id (the execution name); re-running an id creates no duplicates')
    .option(
      '--catalog-table <name>',
      'catalog table (default $CATALOG_TABLE_NAME or backup-orchestrator-catalog)',
    )
    .option(
      '--state-machine-arn <arn>',
      'deployed backup state machine (default $BACKUP_STATE_MACHINE_ARN)',
    )
    .action(action(backupCommand));
  program
    .command('recovery-points')
    .description('list the catalog, newest first')
    .option('--source <id>', 'only this source resource')
    .option('--policy <name>', 'only this policy')
    .addOption(
      new Option('--kind <kind>', 'only this kind').choices([
        'volume-snapshot',
        'image',
        'image-export',
        'bucket-copy',
      ]),
    )
    .option(
      '--catalog-table <name>',
      'catalog table (default $CATALOG_TABLE_NAME or backup-orchestrator-catalog)',
    )
    .action(action(recoveryPointsCommand));
  program
    .command('restore-test')
    .description(
      'one restore test of a policy: boot its newest images in the isolated test network and verify them',
    )
    .requiredOption('--policy <name>', 'policy whose images to test')
    .option('--run-id <id>', 'run id (the execution name)')
    .option(
      '--catalog-table <name>',
      'catalog table (default $CATALOG_TABLE_NAME or backup-orchestrator-catalog)',
    )
    .option(
      '--state-machine-arn <arn>',
      'deployed restore-test state machine (default $RESTORE_TEST_STATE_MACHINE_ARN)',
    )
    .option(
      '--subnet-id <id>',
      'with --local: the isolated test subnet (default $RESTORE_TEST_SUBNET_ID)',
    )
    .option(
      '--security-group-id <ids>',
      'with --local: its security group(s), comma-separated (default $RESTORE_TEST_SECURITY_GROUP_ID)',
    )
    .option(
      '--instance-profile <name>',
      'with --local: instance profile with SSM access (default $RESTORE_TEST_INSTANCE_PROFILE)',
    )
    .action(action(restoreTestCommand));
  program
    .command('prune')
    .description(
      'apply retention: delete what no rule keeps, never what a lock, hold or rail protects',
    )
    .requiredOption('--policy <name>', 'policy whose recovery points to prune')
    .option('--dry-run', 'print the plan (every point, keep or delete, and why) and change nothing')
    .option('--now <iso>', 'plan as of this ISO-8601 instant instead of now')
    .option('--force', 'lift the delete-fraction limit for this prune')
    .option('--run-id <id>', 'run id (the execution name)')
    .option(
      '--catalog-table <name>',
      'catalog table (default $CATALOG_TABLE_NAME or backup-orchestrator-catalog)',
    )
    .option(
      '--state-machine-arn <arn>',
      'deployed prune state machine (default $PRUNE_STATE_MACHINE_ARN)',
    )
    .action(action(pruneCommand));
  program
    .command('restore')
    .description('restore objects from a bucket copy: a bucket or prefix, at a run or a time')
    .option(
      '--recovery-point <id>',
      'the bucket-copy recovery point (see recovery-points --kind bucket-copy)',
    )
    .option('--source <bucket>', 'with --at: the source bucket')
    .option(
      '--at <time>',
      'with --source: restore as of this ISO-8601 time (the newest copy at or before it)',
    )
    .option('--target-bucket <bucket>', 'bucket to restore into')
    .option(
      '--target-region <region>',
      'region of the target bucket (default: the config primaryRegion)',
    )
    .option('--prefix <prefix>', 'only keys under this source prefix')
    .option('--target-prefix <prefix>', 'prepended to each restored key')
    .option(
      '--catalog-table <name>',
      'catalog table (default $CATALOG_TABLE_NAME or backup-orchestrator-catalog)',
    )
    .action(action(restoreCommand));
  program
    .command('demo')
    .description('the whole story on the local emulator: tagged estate, backup, DR copies, catalog')
    .action(action(demoCommand));
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
