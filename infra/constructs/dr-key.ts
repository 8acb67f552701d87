import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface DrKeyProps {
  /** The alias every DR region's key carries (`config.drKeyAlias`); copies address the key by it. */
  readonly alias: string;
  readonly prefix: string;
}

/**
 * The key that encrypts snapshot copies in one DR region. It is addressed by its alias, which
 * is the same in every DR region, so the primary region's functions need no cross-region
 * reference to it. Rotated yearly and retained: copies encrypted with it outlive the stack.
 */
export class DrKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: DrKeyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new kms.Key(this, 'Key', {
      description: `${props.prefix}: snapshot copies in ${stack.region}`,
      enableKeyRotation: true,
      alias: props.alias,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // EBS needs the key through EC2 when a copy is created, and again whenever a volume is
    // restored from the copy: allow principals of this account to use it through EC2 in this
    // region (the IAM policies of those principals still have to allow it too).
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEbsSnapshotUseThroughEc2InThisAccount',
        principals: [new iam.AccountRootPrincipal()],
        actions: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncrypt*',
          'kms:GenerateDataKey*',
          'kms:DescribeKey',
          'kms:CreateGrant',
        ],
        resources: ['*'],
        conditions: {
          StringEquals: {
            'kms:ViaService': `ec2.${stack.region}.amazonaws.com`,
            'kms:CallerAccount': stack.account,
          },
        },
      }),
    );
  }
}
