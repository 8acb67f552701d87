import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { DrKey } from '../constructs/dr-key.js';

export interface DrRegionStackProps extends StackProps {
  readonly prefix: string;
  /** `config.drKeyAlias`: the same alias in every DR region. */
  readonly keyAlias: string;
}

/**
 * One small stack per DR region (every distinct `copyTo` region of any policy): the key that
 * encrypts snapshot copies there. Nothing in the primary region references it by id; the
 * functions find it by its alias. (DR backup buckets will join this stack.)
 */
export class DrRegionStack extends Stack {
  readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: DrRegionStackProps) {
    super(scope, id, props);
    this.key = new DrKey(this, 'DrKey', { alias: props.keyAlias, prefix: props.prefix }).key;
  }
}
