/**
 * One Lambda function of the service, configured the same way every time: Node 24 on arm64, an ESM
 * bundle (minified, with source maps), its own log group with a retention, and its own role that
 * starts empty (no AWS managed policy): callers grant exactly what the function needs.
 */
import { existsSync } from 'node:fs';
import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FUNCTION_BUNDLING, PROJECT_ROOT } from './bundling.ts';

export { PROJECT_ROOT };

/**
 * How the function's code is produced. `bundle` runs esbuild on the entry (deployments, and the one
 * bundling test). `stub` deploys a one-line inline handler instead, so infrastructure tests can
 * synthesize quickly and before every handler exists; it must never reach a real deployment.
 */
export type FunctionCode = 'bundle' | 'stub';

export interface ServiceFunctionProps {
  /** Entry file relative to the project root, e.g. `lambdas/functions/catalog-reader.ts`; exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly timeout: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  readonly logRetentionDays: logs.RetentionDays;
  readonly code: FunctionCode;
  /**
   * Where Lambda puts an asynchronous invocation that still fails after its retries. Only functions
   * that are invoked asynchronously (EventBridge targets) have one; for synchronous (API Gateway)
   * invocations a DLQ never receives anything, the caller gets the error.
   */
  readonly deadLetterQueue?: sqs.IQueue;
}

export class ServiceFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetentionDays });

    // A role of its own per function, without AWSLambdaBasicExecutionRole (which would let it create
    // log groups anywhere): it may write to its own log group and nothing else until granted more.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${id}: ${props.description}`.slice(0, 1000),
    });
    this.logGroup.grantWrite(this.role);

    const common = {
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      deadLetterQueue: props.deadLetterQueue,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
    };

    if (props.code === 'stub') {
      this.function = new NodejsFunction(this, 'Function', {
        ...common,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => { throw new Error("stub code: synthesized for tests only"); };'),
      });
    } else {
      const entry = `${PROJECT_ROOT}${props.entry}`;
      if (!existsSync(entry)) {
        throw new Error(`${id}: the function's entry ${props.entry} does not exist`);
      }
      this.function = new NodejsFunction(this, 'Function', {
        ...common,
        entry,
        handler: 'handler',
        projectRoot: PROJECT_ROOT,
        depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
        // One definition (lib/bundling.ts), shared with the benchmarks so they measure what is shipped.
        bundling: FUNCTION_BUNDLING,
      });
    }

    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaTracing',
      reason:
        'X-Ray active tracing is off on purpose: the handlers are not instrumented, so tracing would only add a function-level segment ' +
        "that the JSON logs (with the request's correlation id) already give, at the price of an xray:* statement on Resource * in every role. " +
        'Instrumenting them with Powertools Tracer was measured over the cold-start budget (bench/README.md, Powertools).',
    });
    if (!props.deadLetterQueue) {
      Validations.of(this.function).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked synchronously by API Gateway: a failed invocation is returned to the caller as an error response, so a dead-letter queue would never receive anything.',
      });
    }
  }
}
