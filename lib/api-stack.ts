/**
 * The stateless stack: the functions, the HTTP API, the build project and the event wiring. It only
 * refers to the data stack's resources, so it can be updated, rolled back or replaced freely.
 *
 * Functions are grouped by the permissions they need (see HTTP_FUNCTIONS in the route table), and
 * each one gets a role with exactly those permissions:
 *
 *   public           nothing (health, OpenAPI document)
 *   catalogReader    table read
 *   catalogWriter    table read/write, StartBuild/StopBuild on the project, DescribeSecret under the prefix
 *   buildLogs        table read, GetLogEvents/FilterLogEvents on the build log group
 *   secrets          table read, manage secrets under the prefix (never read their values)
 *   buildEvents      table read/write, read the build log group        (EventBridge: build events)
 *   buildReconciler  table read/write, read the build log group, BatchGetBuilds   (every 5 minutes)
 *   imageRetirement  table scan and its own marks, DescribeImages/BatchDeleteImage on the image repository (daily)
 *
 * `needs` below is the one table of it: each environment variable with the grant that makes it usable,
 * and each function's timeout, dead-letter queue and description (test/infra/function-needs.test.ts).
 */
import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { BUILDSPEC_PATH } from '../lambdas/builds/buildspec-env.ts';
import { ENV } from '../lambdas/config.ts';
import { METRIC, METRICS_NAMESPACE, SERVICE_DIMENSION } from '../lambdas/observability/metric-names.ts';
import { HTTP_FUNCTIONS, type HttpFunction } from '../lambdas/http/routes.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import { environmentOf, type FunctionNeeds, type Need } from './function-needs.ts';
import { OperationsDashboard } from './operations-dashboard.ts';
import { ImageBuildProject, InlineYamlBuildSpec, acknowledgeSecretPrefix, kmsViaSecretsManager, secretPrefixArn } from './image-build-project.ts';
import { RouteTableApi } from './route-table-api.ts';
import { ServiceAlarms } from './service-alarms.ts';
import type { ServiceData } from './service-data.ts';
import { ServiceFunction, type FunctionCode, PROJECT_ROOT } from './service-function.ts';
import type { DeploymentSettings } from './settings.ts';

export type ServiceFunctionName = HttpFunction | 'buildEvents' | 'buildReconciler' | 'imageRetirement';

/** `catalogReader` -> `lambdas/functions/catalog-reader.ts` */
export const entryOf = (name: ServiceFunctionName) => `lambdas/functions/${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.ts`;

/** How often the reconciler asks CodeBuild about builds that stayed in progress too long. */
export const RECONCILE_EVERY = Duration.minutes(5);

/** How often image retirement runs (the retention period is counted in days). */
export const RETIRE_EVERY = Duration.days(1);

/** The CodeBuild events the status function consumes (EventBridge detail-type values). */
export const BUILD_EVENT_DETAIL_TYPES = ['CodeBuild Build State Change', 'CodeBuild Build Phase Change'];

export interface ApiStackProps extends StackProps {
  readonly data: ServiceData;
  readonly settings: DeploymentSettings;
  /** @default 'bundle' */
  readonly functionCode?: FunctionCode;
  /** @default the file buildspecs/image-build.yml, inlined */
  readonly buildspec?: codebuild.BuildSpec;
}

export class ApiStack extends Stack {
  readonly functions: Readonly<Record<ServiceFunctionName, ServiceFunction>>;
  /** What each function needs: its environment with the grants that go with it, timeout, dead-letter queue. */
  readonly needs: Readonly<Record<ServiceFunctionName, FunctionNeeds>>;
  readonly api: RouteTableApi;
  readonly builds: ImageBuildProject;
  readonly buildEventsDlq: DeadLetterQueue;
  readonly reconcilerDlq: DeadLetterQueue;
  readonly retirementDlq: DeadLetterQueue;
  readonly operations: OperationsDashboard;
  readonly secretPrefix: string;
  readonly alarms: ServiceAlarms;
  readonly customDomain?: apigw.DomainName;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { data, settings } = props;
    const code = props.functionCode ?? 'bundle';

    // Pull secrets are created at run time by the secrets function, all under this prefix (a group's
    // under its own `<prefix>group/<group>/`); IAM policies below are written against it.
    this.secretPrefix = `${settings.stackName}/pull-secrets/`;

    this.builds = new ImageBuildProject(this, 'ImageBuild', {
      buildspec: props.buildspec ?? new InlineYamlBuildSpec(`${PROJECT_ROOT}${BUILDSPEC_PATH}`),
      imageRepository: data.imageRepository,
      cacheRepository: data.cacheRepository,
      logGroup: data.buildLogGroup,
      secretPrefix: this.secretPrefix,
      pullSecretKmsKeyArn: settings.pullSecretKmsKeyArn,
      settings: settings.builds,
      baseImages: settings.baseImages,
      network: settings.platform.buildNetwork,
      concurrentBuildLimit: settings.platform.maxConcurrentBuilds,
    });
    const project = this.builds.project;

    // The HMAC key that makes list cursors tamper-evident. Its value reaches the functions as a plain
    // environment variable through a CloudFormation dynamic reference (so it is never in the template
    // or the cloud assembly). That is acceptable for this key: it protects cursor integrity only, a
    // forged cursor still only addresses pages the caller is authorized to read (every request is
    // authorized on its own), and the functions need it on every cold start.
    const cursorKey = new secretsmanager.Secret(this, 'CursorKey', {
      description: 'Group Images: HMAC key for tamper-evident list cursors',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
    });
    Validations.of(cursorKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Generated HMAC key for pagination cursors, not a credential: rotating it only invalidates cursors in flight. ' +
        'To rotate, replace the secret value and redeploy; no rotation Lambda is warranted.',
    });

    const alarmTopic = settings.alarmTopicArn ? sns.Topic.fromTopicArn(this, 'AlarmTopic', settings.alarmTopicArn) : undefined;
    this.buildEventsDlq = new DeadLetterQueue(this, 'BuildEventsDlq', { purpose: 'A CodeBuild build event for the status function', alarmTopic });
    this.reconcilerDlq = new DeadLetterQueue(this, 'ReconcilerDlq', { purpose: 'A scheduled run of the build reconciler', alarmTopic });
    this.retirementDlq = new DeadLetterQueue(this, 'RetirementDlq', { purpose: 'A scheduled run of image retirement', alarmTopic });

    // Build outcomes ("Image Build Succeeded / Failed / Cancelled") go to the named bus, else the
    // account's default bus: whoever settles a build (writer, events, reconciler) may publish there.
    const busName = settings.eventBusName ?? 'default';
    const eventBus = busName.startsWith('arn:')
      ? events.EventBus.fromEventBusArn(this, 'ServiceEventBus', busName)
      : events.EventBus.fromEventBusName(this, 'ServiceEventBus', busName);
    const secretsUnderPrefix = secretPrefixArn(this.secretPrefix);
    const repositoryUris = {
      [ENV.imageRepositoryUri]: data.imageRepository.repositoryUri,
      [ENV.cacheRepositoryUri]: data.cacheRepository.repositoryUri,
    };

    // --- What each function needs: every variable (names from lambdas/config.ts) with its grant. ---
    const need = {
      claims: {
        env: {
          [ENV.claimSub]: settings.claims.sub,
          [ENV.claimGroups]: settings.claims.groups,
          [ENV.claimAdminGroups]: settings.claims.adminGroups,
          [ENV.claimRoles]: settings.claims.roles,
          [ENV.systemAdminRole]: settings.claims.systemAdminRole,
          // Set only when used, so a deployment without them keeps its functions' environment as it was.
          ...(settings.claims.groupPrefix ? { [ENV.groupPrefix]: settings.claims.groupPrefix } : {}),
          ...(settings.claims.adminGroupSuffix ? { [ENV.adminGroupSuffix]: settings.claims.adminGroupSuffix } : {}),
        },
      },
      cursorKey: {
        env: { [ENV.cursorKey]: cursorKey.secretValue.unsafeUnwrap() },
        namesOnly: { [ENV.cursorKey]: 'a dynamic reference CloudFormation resolves at deployment: the function gets the value, never reads the secret' },
      },
      tableRead: { env: { [ENV.tableName]: data.table.tableName }, grant: (role) => data.grantCatalogRead(role) },
      tableReadWrite: { env: { [ENV.tableName]: data.table.tableName }, grant: (role) => data.grantCatalogReadWrite(role) },
      // The secrets function reads the table and writes only the items that track pull secrets.
      tableReadAndSecretReferences: {
        env: { [ENV.tableName]: data.table.tableName },
        grant: (role) => {
          data.grantCatalogRead(role);
          data.grantSecretReferences(role);
        },
      },
      // Image retirement reads the whole catalog (the service's one Scan, see lambdas/store/
      // dynamo-image-references.ts) and writes only its own marks and the spec claims of the images it retires.
      tableScanAndMarks: {
        env: { [ENV.tableName]: data.table.tableName },
        grant: (role) =>
          role.addToPrincipalPolicy(
            new iam.PolicyStatement({
              actions: ['dynamodb:Scan', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
              resources: [data.table.tableArn],
            }),
          ),
      },
      // The logs route reads a build's log; the status and reconciler functions read a failed build's
      // log for its "FAILED: " line (the failure reason).
      buildLogRead: {
        env: { [ENV.buildLogGroup]: data.buildLogGroup.logGroupName },
        grant: (role) => data.buildLogGroup.grant(role, 'logs:GetLogEvents', 'logs:FilterLogEvents'),
      },
      startBuilds: {
        env: { [ENV.buildProjectName]: project.projectName, [ENV.secretPrefix]: this.secretPrefix, ...repositoryUris },
        grant: (role) =>
          role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['codebuild:StartBuild', 'codebuild:StopBuild'], resources: [project.projectArn] })),
        namesOnly: {
          [ENV.secretPrefix]: "passed to the build, whose role reads the pull secret it names (the writer's own DescribeSecret comes with pullSecretMetadata)",
          [ENV.imageRepositoryUri]: 'where builds push (the build role may) and what an image may name in it; the writer never calls ECR',
          [ENV.cacheRepositoryUri]: 'where builds keep their layer cache (the build role may); the writer never calls ECR',
        },
      },
      // The same builder, to ask CodeBuild about builds that stayed in progress too long.
      describeBuilds: {
        env: { [ENV.buildProjectName]: project.projectName, [ENV.secretPrefix]: this.secretPrefix },
        grant: (role) => role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['codebuild:BatchGetBuilds'], resources: [project.projectArn] })),
        namesOnly: {
          [ENV.secretPrefix]: 'the builder it shares with the writer takes it; the reconciler starts no build',
        },
      },
      // Which events are ours: this project's builds, this repository's scans.
      recogniseEvents: {
        env: { [ENV.buildProjectName]: project.projectName, [ENV.imageRepositoryUri]: data.imageRepository.repositoryUri },
        namesOnly: {
          [ENV.buildProjectName]: 'matched against the events of CodeBuild (the rule already filters on it); never called',
          [ENV.imageRepositoryUri]: "matched against ECR's scan events; never called",
        },
      },
      // The writer checks that a named pull secret exists (metadata only, never the value).
      pullSecretMetadata: {
        env: { [ENV.secretPrefix]: this.secretPrefix },
        grant: (role) => {
          role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:DescribeSecret'], resources: [secretsUnderPrefix] }));
          acknowledgeSecretPrefix(
            role,
            this.secretPrefix,
            'DescribeSecret on the pull-secret prefix: the writer checks that a pullSecret named in a request exists (metadata only, no value). Names are chosen at run time, so the prefix is the narrowest resource.',
          );
        },
      },
      // The secrets function manages them (TagResource: the registry is a tag, set on create and on
      // replace) but cannot read a value back: no GetSecretValue.
      managePullSecrets: {
        env: {
          [ENV.secretPrefix]: this.secretPrefix,
          ...(settings.pullSecretKmsKeyArn ? { [ENV.secretsKmsKeyId]: settings.pullSecretKmsKeyArn } : {}),
        },
        grant: (role) => {
          role.addToPrincipalPolicy(
            new iam.PolicyStatement({
              actions: [
                'secretsmanager:CreateSecret',
                'secretsmanager:PutSecretValue',
                'secretsmanager:DescribeSecret',
                'secretsmanager:DeleteSecret',
                'secretsmanager:TagResource',
              ],
              resources: [secretsUnderPrefix],
            }),
          );
          role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:ListSecrets'], resources: ['*'] }));
          if (settings.pullSecretKmsKeyArn) {
            // Creating or replacing a secret under a customer-managed key: Secrets Manager asks KMS for a
            // data key on the caller's behalf (Decrypt: to re-encrypt on PutSecretValue).
            role.addToPrincipalPolicy(kmsViaSecretsManager(settings.pullSecretKmsKeyArn, ['kms:GenerateDataKey', 'kms:Decrypt']));
          }
          acknowledgeSecretPrefix(
            role,
            this.secretPrefix,
            'The secrets function creates, replaces and deletes pull secrets whose names are chosen at run time, all under the service prefix; it has no GetSecretValue.',
          );
          Validations.of(role).acknowledge({
            id: 'AwsSolutions-IAM5[Resource::*]',
            reason:
              'secretsmanager:ListSecrets has no resource-level permissions; it returns names and metadata, never a secret value, and the function filters by the service prefix.',
          });
        },
      },
      // Whoever publishes build outcomes: where to, and which deployment they come from (detail.stackName).
      publishOutcomes: {
        env: { [ENV.stackName]: settings.stackName, ...(settings.eventBusName ? { [ENV.eventBusName]: settings.eventBusName } : {}) },
        grant: (role) => eventBus.grantPutEventsTo(role),
      },
      groupLimits: {
        env: {
          [ENV.maxImagesPerGroup]: String(settings.limits.maxImagesPerGroup),
          [ENV.maxConcurrentBuildsPerGroup]: String(settings.limits.maxConcurrentBuildsPerGroup),
        },
      },
      baseImageMirrors: {
        env: Object.keys(this.builds.baseImageMirrors).length
          ? { [ENV.baseImageMirrors]: this.toJsonString(this.builds.baseImageMirrors) }
          : ({} as Record<string, string>),
        namesOnly: { [ENV.baseImageMirrors]: 'passed to the build, whose role pulls through the mirrors; the writer never calls them' },
      },
      stuckBuildMinutes: { env: { [ENV.stuckBuildMinutes]: String(settings.builds.stuckBuildMinutes) } },
      retireImages: {
        env: { [ENV.imageRepositoryUri]: data.imageRepository.repositoryUri, [ENV.imageRetentionDays]: String(settings.platform.imageRetentionDays) },
        grant: (role) =>
          role.addToPrincipalPolicy(
            new iam.PolicyStatement({ actions: ['ecr:DescribeImages', 'ecr:BatchDeleteImage'], resources: [data.imageRepository.repositoryArn] }),
          ),
      },
    } satisfies Record<string, Need>;

    this.needs = {
      public: { description: HTTP_FUNCTIONS.public, timeout: Duration.seconds(5), needs: [need.claims] },
      catalogReader: { description: HTTP_FUNCTIONS.catalogReader, timeout: Duration.seconds(10), needs: [need.tableRead, need.claims, need.cursorKey] },
      catalogWriter: {
        description: HTTP_FUNCTIONS.catalogWriter,
        timeout: Duration.seconds(20),
        needs: [
          need.tableReadWrite,
          need.claims,
          need.cursorKey,
          need.startBuilds,
          need.pullSecretMetadata,
          need.publishOutcomes,
          need.groupLimits,
          need.baseImageMirrors,
        ],
      },
      buildLogs: {
        description: HTTP_FUNCTIONS.buildLogs,
        timeout: Duration.seconds(10),
        needs: [need.tableRead, need.claims, need.cursorKey, need.buildLogRead],
      },
      secrets: {
        description: HTTP_FUNCTIONS.secrets,
        timeout: Duration.seconds(10),
        needs: [need.tableReadAndSecretReferences, need.claims, need.managePullSecrets],
      },
      buildEvents: {
        description: "records CodeBuild state and phase changes on the build's record; DynamoDB read/write, build log read",
        timeout: Duration.seconds(30),
        deadLetterQueue: this.buildEventsDlq,
        needs: [need.tableReadWrite, need.buildLogRead, need.publishOutcomes, need.recogniseEvents],
      },
      buildReconciler: {
        description: 'asks CodeBuild about builds that stayed in progress too long; DynamoDB read/write, build log read, BatchGetBuilds',
        timeout: Duration.minutes(2),
        deadLetterQueue: this.reconcilerDlq,
        needs: [need.tableReadWrite, need.describeBuilds, need.buildLogRead, need.publishOutcomes, need.stuckBuildMinutes],
      },
      imageRetirement: {
        description:
          'deletes built images nothing points at any more, after the retention period; DynamoDB scan and marks, ECR DescribeImages/BatchDeleteImage',
        timeout: Duration.minutes(10),
        deadLetterQueue: this.retirementDlq,
        needs: [need.tableScanAndMarks, need.retireImages],
      },
    };

    const make = (name: ServiceFunctionName) => {
      const { description, timeout, memorySize, deadLetterQueue, needs } = this.needs[name];
      const fn = new ServiceFunction(this, name.charAt(0).toUpperCase() + name.slice(1), {
        entry: entryOf(name),
        description,
        environment: environmentOf(name, needs),
        timeout,
        memorySize,
        logRetentionDays: settings.functionLogRetentionDays,
        code,
        deadLetterQueue: deadLetterQueue?.queue,
      });
      for (const n of needs) n.grant?.(fn.role);
      return fn;
    };
    const fns = {
      public: make('public'),
      catalogReader: make('catalogReader'),
      catalogWriter: make('catalogWriter'),
      buildLogs: make('buildLogs'),
      secrets: make('secrets'),
      buildEvents: make('buildEvents'),
      buildReconciler: make('buildReconciler'),
      imageRetirement: make('imageRetirement'),
    };
    this.functions = fns;

    // --- Asynchronous wiring: build events and the reconciler schedule, each with retries and a DLQ. ---
    new events.Rule(this, 'BuildEventsRule', {
      description: "Group Images: this project's CodeBuild build state and phase changes to the status function",
      eventPattern: {
        source: ['aws.codebuild'],
        detailType: BUILD_EVENT_DETAIL_TYPES,
        account: [this.account],
        detail: { 'project-name': [project.projectName] },
      },
      targets: [
        new targets.LambdaFunction(fns.buildEvents.function, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(2),
          deadLetterQueue: this.buildEventsDlq.queue,
        }),
      ],
    });

    // Issue 18: ECR's scan results of the built images (scan on push) reach their builds, through the
    // build-events function (it already reads and writes build records: no new permission).
    new events.Rule(this, 'ImageScanRule', {
      description: "Group Images: ECR scan results of the service's image repository to the build-events function",
      eventPattern: {
        source: ['aws.ecr'],
        detailType: ['ECR Image Scan'],
        account: [this.account],
        detail: { 'repository-name': [data.imageRepository.repositoryName], 'scan-status': ['COMPLETE'] },
      },
      targets: [
        new targets.LambdaFunction(fns.buildEvents.function, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(2),
          deadLetterQueue: this.buildEventsDlq.queue,
        }),
      ],
    });

    new events.Rule(this, 'ReconcilerSchedule', {
      description: 'Group Images: ask CodeBuild about builds that stayed in progress too long (events are best-effort)',
      schedule: events.Schedule.rate(RECONCILE_EVERY),
      targets: [
        new targets.LambdaFunction(fns.buildReconciler.function, {
          retryAttempts: 2,
          maxEventAge: Duration.minutes(10),
          deadLetterQueue: this.reconcilerDlq.queue,
        }),
      ],
    });

    // --- Image retirement (issue 16): daily, with retries and a DLQ like the reconciler. ---
    new events.Rule(this, 'RetirementSchedule', {
      description: 'Group Images: delete built images nothing points at any more, after the retention period',
      schedule: events.Schedule.rate(RETIRE_EVERY),
      targets: [
        new targets.LambdaFunction(fns.imageRetirement.function, {
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
          deadLetterQueue: this.retirementDlq.queue,
        }),
      ],
    });

    // --- The HTTP API, from the route table ---
    this.api = new RouteTableApi(this, 'Http', {
      functions: {
        public: fns.public.function,
        catalogReader: fns.catalogReader.function,
        catalogWriter: fns.catalogWriter.function,
        buildLogs: fns.buildLogs.function,
        secrets: fns.secrets.function,
      },
      jwt: settings.jwt,
      settings: settings.api,
    });

    this.operations = new OperationsDashboard(this, 'Operations', {
      api: this.api.api,
      deadLetterQueues: [this.buildEventsDlq, this.reconcilerDlq, this.retirementDlq],
      alarmTopic,
    });

    new CfnOutput(this, 'ApiUrl', { description: 'Base URL of the Group Images API', value: this.api.url });
    new CfnOutput(this, 'DashboardName', { description: 'CloudWatch dashboard of the service', value: this.operations.dashboard.dashboardName });
    new CfnOutput(this, 'BuildProjectName', { description: 'CodeBuild project that builds the images', value: project.projectName });
    new CfnOutput(this, 'PullSecretPrefix', { description: 'Secrets Manager name prefix of the registry pull secrets', value: this.secretPrefix });

    // --- Platform (issue 16): function and table alarms, the custom domain. ---
    this.alarms = new ServiceAlarms(this, 'Alarms', {
      functions: Object.fromEntries(Object.entries(fns).map(([name, fn]) => [name, fn.function])),
      table: data.table,
      alarmTopic,
    });
    this.operations.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Function and table alarms', alarms: this.alarms.alarms, width: 16 }),
      new cloudwatch.GraphWidget({
        title: 'Images retired (deleted from ECR)',
        left: [
          new cloudwatch.Metric({
            namespace: METRICS_NAMESPACE,
            metricName: METRIC.imagesRetired,
            dimensionsMap: { ...SERVICE_DIMENSION },
            statistic: cloudwatch.Stats.SUM,
            period: Duration.days(1),
          }),
        ],
        width: 8,
      }),
    );

    // What replaying a dead-letter queue needs (README, "Replaying the dead-letter queues").
    for (const [id, dlq, fn] of [
      ['BuildEvents', this.buildEventsDlq, fns.buildEvents],
      ['Reconciler', this.reconcilerDlq, fns.buildReconciler],
      ['Retirement', this.retirementDlq, fns.imageRetirement],
    ] as const) {
      new CfnOutput(this, `${id}DlqUrl`, {
        description: `Dead-letter queue of ${fn.node.id}: replay its messages to ${id}FunctionName`,
        value: dlq.queue.queueUrl,
      });
      new CfnOutput(this, `${id}FunctionName`, { description: `The function ${id}DlqUrl's messages were meant for`, value: fn.function.functionName });
    }
    const custom = settings.platform.customDomain;
    if (custom) {
      this.customDomain = new apigw.DomainName(this, 'CustomDomain', {
        domainName: custom.domainName,
        certificate: acm.Certificate.fromCertificateArn(this, 'CustomDomainCertificate', custom.certificateArn),
        endpointType: apigw.EndpointType.REGIONAL,
        securityPolicy: apigw.SecurityPolicy.TLS_1_2,
      });
      new apigw.ApiMapping(this, 'CustomDomainMapping', { api: this.api.api, domainName: this.customDomain, stage: this.api.stage });
      new CfnOutput(this, 'CustomDomainUrl', {
        description: 'The API at the custom domain (once DNS points at CustomDomainTarget)',
        value: `https://${custom.domainName}/`,
      });
      new CfnOutput(this, 'CustomDomainTarget', {
        description: `DNS: ${custom.domainName} as a CNAME (or a Route 53 alias in zone CustomDomainHostedZoneId) to this name`,
        value: this.customDomain.regionalDomainName,
      });
      new CfnOutput(this, 'CustomDomainHostedZoneId', {
        description: 'Hosted zone of CustomDomainTarget, for a Route 53 alias record',
        value: this.customDomain.regionalHostedZoneId,
      });
    }
  }
}
