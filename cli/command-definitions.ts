import { Option, type Command } from 'commander';
import { backupCommand } from './commands/backup.js';
import { demoCommand } from './commands/demo.js';
import { pruneCommand } from './commands/prune.js';
import { recoveryPointsCommand } from './commands/recovery-points.js';
import { restoreCommand } from './commands/restore.js';
import { restoreTestCommand } from './commands/restore-test.js';
import { validateCommand } from './commands/validate.js';

import { serveCommand } from './commands/serve.js';
/** Wraps a command into a commander action: its options merged with the global ones. */
export type ActionOf = <T>(
  command: (options: T) => Promise<number>,
) => (options: unknown, cmd: Command) => Promise<void>;

/** Adds one subcommand (its options, help and action) to the program. */
type Definition = (program: Command, action: ActionOf) => void;

const CATALOG_TABLE = [
  '--catalog-table <name>',
  'catalog table (default $CATALOG_TABLE_NAME or backup-orchestrator-catalog)',
] as const;

/** `--catalog-table` and `--state-machine-arn` of a command that runs a workflow. */
function workflowOptions(command: Command, workflow: string, environmentVariable: string): Command {
  return command
    .option(...CATALOG_TABLE)
    .option(
      '--state-machine-arn <arn>',
      `deployed ${workflow} state machine (default $${environmentVariable})`,
    );
}

const validate: Definition = (program, action) => {
  program
    .command('validate')
    .description(
      'check the config; list opted-in resources with their effective policies; report tag problems',
    )
    .action(action(validateCommand));
};

const backup: Definition = (program, action) => {
  const command = program
    .command('backup')
    .description('one backup run of a policy')
    .requiredOption('--policy <name>', 'policy to run')
    .option('--run-id <id>', 'run id (the execution name); re-running an id creates no duplicates');
  workflowOptions(command, 'backup', 'BACKUP_STATE_MACHINE_ARN').action(action(backupCommand));
};

const recoveryPoints: Definition = (program, action) => {
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
    .option(...CATALOG_TABLE)
    .action(action(recoveryPointsCommand));
};

const restoreTest: Definition = (program, action) => {
  const command = program
    .command('restore-test')
    .description(
      'one restore test of a policy: boot its newest images in the isolated test network and verify them',
    )
    .requiredOption('--policy <name>', 'policy whose images to test')
    .option('--run-id <id>', 'run id (the execution name)');
  workflowOptions(command, 'restore-test', 'RESTORE_TEST_STATE_MACHINE_ARN')
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
};

const prune: Definition = (program, action) => {
  const command = program
    .command('prune')
    .description(
      'apply retention: delete what no rule keeps, never what a lock, hold or rail protects',
    )
    .requiredOption('--policy <name>', 'policy whose recovery points to prune')
    .option('--dry-run', 'print the plan (every point, keep or delete, and why) and change nothing')
    .option('--now <iso>', 'plan as of this ISO-8601 instant instead of now')
    .option('--force', 'lift the delete-fraction limit for this prune')
    .option('--run-id <id>', 'run id (the execution name)');
  workflowOptions(command, 'prune', 'PRUNE_STATE_MACHINE_ARN').action(action(pruneCommand));
};

const restore: Definition = (program, action) => {
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
    .option(...CATALOG_TABLE)
    .action(action(restoreCommand));
};

const demo: Definition = (program, action) => {
  program
    .command('demo')
    .description('the whole story on the local emulator: tagged estate, backup, DR copies, catalog')
    .action(action(demoCommand));
};

/** The subcommands, in the order `backupctl --help` lists them. */
export const COMMANDS: readonly Definition[] = [
  validate,
  backup,
  recoveryPoints,
  restoreTest,
  prune,
  restore,
  demo,
];
const serve: Definition = (program, action) => {
  program
    .command('serve')
    .description(
      'serve the restore API on 127.0.0.1 (SigV4-verified, against the configured endpoint); prints its base URL first',
    )
    .option('--port <n>', 'port to listen on (default 0: a free one)')
    .option(...CATALOG_TABLE)
    .option(
      '--restore-table <name>',
      'restore table (default $RESTORE_TABLE_NAME or backup-orchestrator-restores)',
    )
    .action(action(serveCommand));
};

  serve,
