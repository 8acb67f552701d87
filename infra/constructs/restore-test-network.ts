import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.js';
import { encryptedLogGroup } from './log-group.js';

export interface RestoreTestNetworkProps {
  /** Encrypts the flow-log group. */
  readonly logKey: kms.IKey;
  readonly logRetentionDays: number;
}

/** The SSM endpoints the agent needs to register and take Run Command (no internet on the way). */
export const RESTORE_TEST_ENDPOINT_SERVICES = ['ssm', 'ssmmessages', 'ec2messages'] as const;

/**
 * The isolated network restore tests boot images in: one VPC with isolated subnets only (no
 * internet gateway, no NAT, nothing routes out), flow logs of all traffic, and interface
 * endpoints with private DNS for the SSM agent. Test instances get a security group with no
 * inbound rule whose only outbound rule is HTTPS to the endpoints' security group, and an
 * instance profile whose role allows what the SSM agent needs and nothing else.
 *
 * One Availability Zone: the restore-test functions launch into one subnet
 * (RESTORE_TEST_SUBNET_ID), and each interface endpoint is billed per AZ.
 */
export class RestoreTestNetwork extends Construct {
  readonly vpc: ec2.Vpc;
  readonly subnet: ec2.ISubnet;
  readonly instanceSecurityGroup: ec2.SecurityGroup;
  readonly endpointSecurityGroup: ec2.SecurityGroup;
  readonly instanceRole: iam.Role;
  readonly instanceProfile: iam.InstanceProfile;

  constructor(scope: Construct, id: string, props: RestoreTestNetworkProps) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.83.0.0/24'),
      // The first of the stack's AZs (the stateless stack names them with Fn::GetAZs, so
      // synthesis needs no context lookup, even for account-bound stacks).
      maxAzs: 1,
      natGateways: 0,
      createInternetGateway: false,
      subnetConfiguration: [
        { name: 'test', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 26 },
      ],
      enableDnsHostnames: true,
      enableDnsSupport: true,
      // The default security group is never used: the functions may launch only with the test
      // security group (IAM condition), so no custom resource is needed to empty it.
      restrictDefaultSecurityGroup: false,
    });
    const [subnet] = this.vpc.isolatedSubnets;
    if (!subnet) throw new Error('the restore-test VPC has no isolated subnet');
    this.subnet = subnet;

    const flowLogGroup = encryptedLogGroup(this, 'FlowLogGroup', {
      encryptionKey: props.logKey,
      retentionDays: props.logRetentionDays,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Restore-test VPC endpoints: HTTPS from test instances only',
      allowAllOutbound: false,
    });
    this.instanceSecurityGroup = new ec2.SecurityGroup(this, 'InstanceSecurityGroup', {
      vpc: this.vpc,
      description: 'Restore-test instances: no inbound; outbound HTTPS to the SSM endpoints only',
      allowAllOutbound: false,
    });
    // Inline, so it replaces the placeholder rule: the group has exactly this one outbound rule
    // (a standalone egress resource would leave what the inline list says to CloudFormation).
    (this.instanceSecurityGroup.node.defaultChild as ec2.CfnSecurityGroup).addPropertyOverride(
      'SecurityGroupEgress',
      [
        {
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          DestinationSecurityGroupId: this.endpointSecurityGroup.securityGroupId,
          Description: 'SSM agent to the VPC endpoints',
        },
      ],
    );
    this.endpointSecurityGroup.addIngressRule(
      this.instanceSecurityGroup,
      ec2.Port.tcp(443),
      'SSM agent of test instances',
    );

    for (const service of RESTORE_TEST_ENDPOINT_SERVICES) {
      this.vpc.addInterfaceEndpoint(`${service}Endpoint`, {
        service: new ec2.InterfaceVpcEndpointAwsService(service),
        privateDnsEnabled: true,
        securityGroups: [this.endpointSecurityGroup],
        subnets: { subnets: [this.subnet] },
        open: false,
      });
    }

    this.instanceRole = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'Restore-test instances: SSM agent registration and Run Command only',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    acknowledge(
      this.instanceRole,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
      'AmazonSSMManagedInstanceCore is the policy AWS maintains for the SSM agent (registration, ssmmessages/ec2messages channels, Run Command results); AWS updates it when the agent needs new calls, and the test instance needs exactly that and nothing more.',
    );
    this.instanceProfile = new iam.InstanceProfile(this, 'InstanceProfile', {
      role: this.instanceRole,
    });
  }
}
