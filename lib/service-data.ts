/**
 * Everything that holds data: the catalog table, the two ECR repositories and the build log group.
 * It lives in a stack of its own (DataStack) so that deploying, rolling back or even deleting the
 * API stack can never replace or delete it, and every resource here is retained on deletion.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { GLOBAL_INDEXES, SECRETS_PARTITION, TABLE_KEYS } from '../lambdas/store/table.ts';

export interface ServiceDataProps {
  readonly buildLogRetentionDays: logs.RetentionDays;
}

export class ServiceData extends Construct {
  /** The single catalog table: images, builds and spec-reuse records, one partition per scope. */
  readonly table: dynamodb.Table;
  /** Built images; tags are content hashes and never move. */
  readonly imageRepository: ecr.Repository;
  /** BuildKit's registry layer cache, one cache reference per scope. */
  readonly cacheRepository: ecr.Repository;
  /** Every build's log, read back by the logs route during and after the build. */
  readonly buildLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ServiceDataProps) {
    super(scope, id);

    this.table = new dynamodb.Table(this, 'Catalog', {
      partitionKey: { name: TABLE_KEYS.partition, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sort, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // A KMS key (aws/dynamodb) rather than the DynamoDB-owned default: key use shows in CloudTrail.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Sparse indexes (see lambdas/store/table.ts): unfinished builds for the reconciler, images by the
    // pull secret they use, images by the instance type they run on. Queries, never a Scan.
    for (const index of GLOBAL_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partition, type: dynamodb.AttributeType.STRING },
        ...(index.sort ? { sortKey: { name: index.sort, type: dynamodb.AttributeType.STRING } } : {}),
        ...(typeof index.projection === 'string'
          ? { projectionType: index.projection === 'ALL' ? dynamodb.ProjectionType.ALL : dynamodb.ProjectionType.KEYS_ONLY }
          : { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection] }),
      });
    }

    this.imageRepository = new ecr.Repository(this, 'Images', {
      // Tags are content hashes of the normalised spec: a tag, once pushed, must always mean the
      // same image (catalog records and running workloads point at it).
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      imageScanOnPush: true,
      encryption: ecr.RepositoryEncryption.AES_256,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        // Only untagged images expire (layers of interrupted pushes, manifests left behind). Tagged
        // images are never expired by age or count: an image's url points at its tag, and expiring
        // it would break every workload that pulls it. Deleting a catalog image is what retires it.
        { description: 'Untagged images (interrupted or superseded pushes)', tagStatus: ecr.TagStatus.UNTAGGED, maxImageAge: Duration.days(7) },
      ],
    });

    this.cacheRepository = new ecr.Repository(this, 'BuildCache', {
      // MUTABLE on purpose: BuildKit's registry cache (`--cache-to type=registry,ref=...:<scope>`)
      // rewrites the same cache tag after every build. Nothing ever runs an image from this
      // repository, so a moving tag cannot change what a workload runs.
      imageTagMutability: ecr.TagMutability.MUTABLE,
      imageScanOnPush: false,
      encryption: ecr.RepositoryEncryption.AES_256,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { rulePriority: 1, description: 'Superseded cache manifests', tagStatus: ecr.TagStatus.UNTAGGED, maxImageAge: Duration.days(1) },
        // A scope that has not built for a month loses its cache; its next build is just slower.
        { rulePriority: 2, description: 'Cache not refreshed for 30 days', tagStatus: ecr.TagStatus.ANY, maxImageAge: Duration.days(30) },
      ],
    });

    this.buildLogGroup = new logs.LogGroup(this, 'BuildLogs', {
      retention: props.buildLogRetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * Read access to the catalog table and its indexes, for a function's role. Deliberately not
   * `table.grantReadData`: that also grants Scan (the service never scans: every read is a key
   * lookup or a Query) and stream reads (there is no stream), and names the indexes as `index/*`.
   */
  grantCatalogRead(role: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee: role, actions: CATALOG_READ_ACTIONS, resourceArns: this.catalogArns() });
  }

  /** Read and write access to the catalog table and its indexes (conditional writes included). */
  grantCatalogReadWrite(role: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee: role, actions: [...CATALOG_READ_ACTIONS, ...CATALOG_WRITE_ACTIONS], resourceArns: this.catalogArns() });
  }

  /**
   * The secrets function's writes: the items that track which pull secrets exist and how many images
   * use them (lambdas/store/secret-references.ts), and only those (their partition key, by IAM condition).
   */
  grantSecretReferences(role: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee: role,
      actions: ['dynamodb:UpdateItem'],
      resourceArns: [this.table.tableArn],
      conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [SECRETS_PARTITION] } },
    });
  }

  private catalogArns(): string[] {
    return [this.table.tableArn, ...GLOBAL_INDEXES.map((index) => `${this.table.tableArn}/index/${index.name}`)];
  }
}

/** Key lookups and Queries; no Scan. (Transactions are authorized by these same actions.) */
export const CATALOG_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'];
export const CATALOG_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

export interface DataStackProps extends StackProps {
  readonly buildLogRetentionDays: logs.RetentionDays;
  /** IAM role/user ARNs or account ids allowed to pull the built images (issue 16). @default none */
  readonly imagePullPrincipals?: readonly string[];
}

/** The stateful stack. Deploy it first; the API stack refers to its resources. */
export class DataStack extends Stack {
  readonly data: ServiceData;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    this.data = new ServiceData(this, 'Data', { buildLogRetentionDays: props.buildLogRetentionDays });

    // --- Pull access (issue 16): the notebook cluster's nodes (or another account) pull, and only pull. ---
    const pullers = props.imagePullPrincipals ?? [];
    if (pullers.length > 0) {
      this.data.imageRepository.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'PullOnly',
          principals: pullers.map((p) => (/^\d{12}$/.test(p) ? new iam.AccountPrincipal(p) : new iam.ArnPrincipal(p))),
          actions: IMAGE_PULL_ACTIONS,
        }),
      );
    }
    new CfnOutput(this, 'ImageRepositoryUri', {
      description: 'ECR repository of the built images (docker pull <uri>:<tag>)',
      value: this.data.imageRepository.repositoryUri,
    });
    new CfnOutput(this, 'ImageRepositoryArn', {
      description: 'ECR repository of the built images, for IAM policies of the pulling principals',
      value: this.data.imageRepository.repositoryArn,
    });
  }
}

/** What a pulling principal may do on the image repository: read manifests and layers, nothing else. */
export const IMAGE_PULL_ACTIONS = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'];
