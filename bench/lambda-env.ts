/**
 * The environment a function's module initialises in, as Lambda gives it: the variables CDK sets
 * (names from lambdas/config.ts; dummy values), the ones the runtime sets, and NODE_OPTIONS as
 * lib/service-function.ts sets it. Nothing else from the benchmark's own environment leaks in.
 */
import { ENV } from '../lambdas/config.ts';

export const BENCH_REGION = 'eu-west-1';

/** Every variable any entry requires: each module initialises as it does in Lambda. */
export const FUNCTION_SETTINGS: Readonly<Record<string, string>> = {
  [ENV.tableName]: 'group-images-bench',
  [ENV.cursorKey]: 'bench-cursor-key-0123456789abcdef0123456789abcdef',
  [ENV.buildProjectName]: 'group-images-image-build',
  [ENV.imageRepositoryUri]: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/group-images',
  [ENV.cacheRepositoryUri]: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/group-images-cache',
  [ENV.buildLogGroup]: '/group-images/builds',
  [ENV.secretPrefix]: 'group-images/pull-secrets/',
};

/** What the Lambda runtime itself puts in every function's environment (credentials are dummies). */
const RUNTIME: Readonly<Record<string, string>> = {
  AWS_REGION: BENCH_REGION,
  AWS_DEFAULT_REGION: BENCH_REGION,
  AWS_ACCESS_KEY_ID: 'ASIABENCHBENCHBENCH0',
  AWS_SECRET_ACCESS_KEY: 'bench-secret-access-key',
  AWS_SESSION_TOKEN: 'bench-session-token',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_LAMBDA_FUNCTION_NAME: 'group-images-bench',
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  LAMBDA_TASK_ROOT: '/var/task',
  TZ: ':UTC',
  LANG: 'en_US.UTF-8',
  // lib/service-function.ts sets this on every function.
  NODE_OPTIONS: '--enable-source-maps',
};

/** A fresh process's whole environment: Lambda's, plus PATH so Node can start. */
export const lambdaProcessEnv = (): Record<string, string> => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', ...RUNTIME, ...FUNCTION_SETTINGS });
