import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { acknowledge, wildcardResource } from '../nag.js';
import type { BackupFunction } from './backup-function.js';
import type { RecoveryPointScope } from './recovery-point-scope.js';
import type { RestoreAllowLists } from './restore-allow-lists.js';

/** Keys named one way: by ARN, or as `key/*` of some regions under one alias. */
interface NamedKeys {
  readonly arns: string[];
  readonly byAlias: Map<string, Set<string>>;
}

/**
 * The KMS keys a restored volume may be encrypted with, and that encrypt the snapshots it is
 * created from: the keys the configuration names (`restore.kmsKeyIds`), the keys of the copy
 * targets (`copyTo[].kmsKeyId`) and the DR key of each DR region (by its alias, as
 * infra/constructs/snapshot-access.ts names it). Nothing else: a request naming another key is
 * refused by the preflight's DescribeKey (AccessDenied is "not usable"), and a snapshot encrypted
 * with a customer managed key not on the list cannot be restored until the key is added. The
 * account's default EBS key (aws/ebs) needs no grant: its key policy lets the account use it
 * through EC2.
 */
export class RestoreKeyAccess {
  constructor(
    private readonly scope: RecoveryPointScope,
    private readonly allowLists: RestoreAllowLists,
  ) {}

  /**
   * What EBS needs of the caller to create an encrypted volume with a customer managed key
   * (through EC2 only, kms:ViaService), and CreateGrant only for an AWS resource (the volume).
   */
  grantUseVolumeKeys(fn: BackupFunction): void {
    const viaEc2 = {
      StringEquals: {
        'kms:ViaService': this.scope.allRegions.map((region) => `ec2.${region}.amazonaws.com`),
      },
    };
    this.allow(fn, ['kms:DescribeKey'], {});
    this.allow(
      fn,
      [
        'kms:Decrypt',
        'kms:GenerateDataKeyWithoutPlaintext',
        'kms:ReEncryptFrom',
        'kms:ReEncryptTo',
      ],
      viaEc2,
    );
    this.allow(fn, ['kms:CreateGrant'], {
      ...viaEc2,
      Bool: { 'kms:GrantIsForAWSResource': 'true' },
    });
  }

  /** kms:DescribeKey of the same keys: the preflight's check that a requested key is usable. */
  grantDescribeKeys(fn: BackupFunction): void {
    this.allow(fn, ['kms:DescribeKey'], {});
  }

  /** One statement per way the keys are named (ARNs; each alias over its regions). */
  private allow(fn: BackupFunction, actions: string[], conditions: Record<string, unknown>): void {
    const { arns, byAlias } = this.namedKeys(fn);
    if (arns.length > 0) {
      fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources: arns, conditions }));
    }
    const stack = Stack.of(fn);
    for (const [alias, regions] of byAlias) {
      const keys = [...regions]
        .sort()
        .map((region) =>
          stack.formatArn({ service: 'kms', region, resource: 'key', resourceName: '*' }),
        );
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions,
          resources: keys,
          conditions: {
            ...conditions,
            'ForAnyValue:StringEquals': { 'kms:ResourceAliases': alias },
          },
        }),
      );
      for (const arn of keys) {
        acknowledge(
          fn.role,
          wildcardResource(arn, fn),
          `Restored volumes and the snapshots they come from are encrypted with the key aliased ${alias} (the DR key or one the configuration names); the statement names it by that alias (condition kms:ResourceAliases), the only way to address a key of another stack and region without a cross-region reference.`,
        );
      }
    }
  }

  private namedKeys(fn: BackupFunction): NamedKeys {
    const stack = Stack.of(fn);
    const arns = new Set<string>();
    const byAlias = new Map<string, Set<string>>();
    const add = (spec: string, regions: readonly string[]) => {
      const aliasArn = /^arn:[^:]+:kms:([^:]*):[^:]*:(alias\/.+)$/.exec(spec);
      if (spec.startsWith('alias/') || aliasArn) {
        const alias = aliasArn?.[2] ?? spec;
        const set = byAlias.get(alias) ?? new Set<string>();
        for (const region of aliasArn?.[1] ? [aliasArn[1]] : regions) set.add(region);
        byAlias.set(alias, set);
      } else if (spec.startsWith('arn:')) {
        arns.add(spec);
      } else {
        const region = this.scope.primaryRegion;
        arns.add(stack.formatArn({ service: 'kms', region, resource: 'key', resourceName: spec }));
      }
    };
    for (const region of this.scope.drRegions) add(this.scope.drKeyAlias, [region]);
    for (const target of this.scope.copyTargets) {
      if (target.kmsKeyId) add(target.kmsKeyId, [target.region]);
    }
    for (const spec of this.allowLists.kmsKeyIds) add(spec, this.scope.allRegions);
    return { arns: [...arns].sort(), byAlias };
  }
}
