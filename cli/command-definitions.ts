import { Option, type Command } from 'commander';
import { backupCommand } from './commands/backup.js';
import { demoCommand } from './commands/demo.js';
import { pruneCommand } from './commands/prune.js';
import { recoveryPointsCommand } from './commands/recovery-points.js';
import { restoreCommand } from './commands/restore.js';
import { restoresCommand, type RestoresCommandOptions } from './commands/restores.js';
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

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `--api`/`--restore-table`: where `restore` and `restores` reach restores. */
function restoreClientOptions(command: Command): Command {
  return command
    .option('--api <url>', 'the restore API base URL, https://…/v1 (default $BACKUP_API_URL)')
    .option(...CATALOG_TABLE)
    .option(
      '--restore-table <name>',
      'with --local: restore table (default $RESTORE_TABLE_NAME or backup-orchestrator-restores)',
    );
}

const restore: Definition = (program, action) => {
  const command = program
    .command('restore')
    .description(
      'restore a recovery point: a volume, an instance (verified), objects, or an image from an export',
    )
    .addOption(
      new Option('--kind <kind>', 'what to restore (default: from the recovery point)').choices([
        'volume',
        'instance',
        'objects',
        'image',
      ]),
    )
    .option('--recovery-point <id>', 'the recovery point (see recovery-points)')
    .option('--source <id>', 'with --at: the source volume, instance or bucket')
    .option('--at <time>', 'with --source: the newest point at or before this ISO-8601 time')
    .option('--dry-run', 'run every check and create nothing')
    .option('--wait', 'with --api: follow the restore to its end')
    .option('--cancel <restore-id>', 'cancel a restore and remove what it created')
    .option('--idempotency-key <key>', 'the same key and request return the same restore')
    .option('--tag <key=value>', 'a tag for what the restore creates (repeatable)', collect)
    .option('--availability-zone <az>', 'volume: the target availability zone')
    .option('--volume-type <type>', 'volume: gp3, gp2, io1, io2, st1, sc1, standard')
    .option('--size-gib <n>', 'volume: size (at least the snapshot)')
    .option('--iops <n>', 'volume: provisioned IOPS')
    .option('--throughput <n>', 'volume: gp3 throughput, MiB/s')
    .option('--kms-key <id>', 'volume: KMS key (default: the account default EBS key)')
    .option('--attach-instance <id>', 'volume: attach to this instance')
    .option('--device <name>', 'volume: at this device')
    .option('--subnet-id <id>', 'instance: the subnet to launch into (required)')
    .option('--instance-type <type>', 'instance: default the type recorded at backup time')
    .option('--security-group-ids <ids>', 'instance: comma-separated')
    .option('--instance-profile <name>', "instance: one on the config's restore.instanceProfiles")
    .option('--key-name <name>', 'instance: EC2 key pair')
    .option('--public-ip', 'instance: give it a public IP (default none)')
    .option('--verify', 'instance: run the restore-test checks and report the RTO')
    .option('--target-bucket <bucket>', 'objects: bucket to restore into')
    .option('--target-region <region>', 'objects/image: target region')
    .option('--target-prefix <prefix>', 'objects: prepended to each restored key')
    .option(
      '--prefix <prefix>',
      'objects: only keys under this source prefix (repeatable)',
      collect,
    )
    .option('--include <glob>', 'objects: only keys matching (repeatable)', collect)
    .option('--exclude <glob>', 'objects: not keys matching (repeatable)', collect)
    .addOption(
      new Option('--existing-objects <mode>', 'objects: what to do with keys the target has')
        .choices(['skip', 'overwrite-if-different', 'fail'])
        .default('skip'),
    )
    .option('--image-name <name>', 'image: name of the restored image');
  restoreClientOptions(command).action(action(restoreCommand));
};

const restores: Definition = (program, action) => {
  const command = program
    .command('restores [restore-id]')
    .description('list restores, newest first, or show one')
    .addOption(
      new Option('--status <status>', 'only restores in this status').choices([
        'PENDING',
        'RUNNING',
        'VERIFYING',
        'COMPLETED',
        'FAILED',
        'CANCELLED',
      ]),
    )
    .addOption(
      new Option('--kind <kind>', 'only this kind').choices([
        'volume',
        'instance',
        'objects',
        'image',
      ]),
    )
    .option('--limit <n>', 'at most this many (default 50)')
    .option('--next-token <token>', 'the next page');
  restoreClientOptions(command).action(
    action((options: RestoresCommandOptions & { args: string[] }) =>
      restoresCommand(options.args[0], options),
    ),
  );
};

const demo: Definition = (program, action) => {
  program
    .command('demo')
    .description('the whole story on the local emulator: tagged estate, backup, DR copies, catalog')
    .action(action(demoCommand));
};

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

/** The subcommands, in the order `backupctl --help` lists them. */
export const COMMANDS: readonly Definition[] = [
  validate,
  backup,
  recoveryPoints,
  restoreTest,
  prune,
  restore,
  restores,
  demo,
  serve,
];
