import { GLOBAL_INDEXES, SECRETS_PARTITION } from '../../lambdas/store/table.ts';
import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { ENV } from '../../lambdas/config.ts';
import type { ServiceFunctionName } from '../../lib/api-stack.ts';
import { actionsOfRole, resourcesOf, synth } from './synth.ts';

const { api, apiTemplate, data } = synth({ functionLogRetentionDays: 14, eventBusName: 'portal-events' });

const idOf = (construct: { node: { defaultChild?: unknown } }) => api.getLogicalId(construct.node.defaultChild as CfnElement);
const NAMES = Object.keys(api.functions) as ServiceFunctionName[];
const fnProps = (name: ServiceFunctionName) => resourcesOf(apiTemplate, 'AWS::Lambda::Function')[idOf(api.functions[name].function)]!.Properties!;
const actionsOf = (name: ServiceFunctionName) => actionsOfRole(apiTemplate, idOf(api.functions[name].role));
const allActions = (name: ServiceFunctionName) => [...actionsOf(name).keys()].sort();

/** Which of the service's functions may perform an action. */
const whoCan = (action: string) => NAMES.filter((n) => actionsOf(n).has(action)).sort();

const LOG_WRITE = ['logs:CreateLogStream', 'logs:PutLogEvents'];
const LOG_READ = ['logs:FilterLogEvents', 'logs:GetLogEvents'];
const TABLE_READ = ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:Query'];
const TABLE_WRITE = ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];

describe('functions', () => {
  it('are the five HTTP functions of the route table plus the build events, reconciler and image retirement functions', () => {
    expect(NAMES.sort()).toEqual(['buildEvents', 'buildLogs', 'buildReconciler', 'catalogReader', 'catalogWriter', 'imageRetirement', 'public', 'secrets']);
    expect(Object.keys(resourcesOf(apiTemplate, 'AWS::Lambda::Function'))).toHaveLength(NAMES.length);
  });

  it.each(NAMES)('%s runs on Node 24, arm64, with JSON logs in a log group of its own with a retention', (name) => {
    const props = fnProps(name);
    const logGroupId = (props.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;

    expect(props.Runtime).toBe('nodejs24.x');
    expect(props.Architectures).toEqual(['arm64']);
    expect(props.LoggingConfig).toMatchObject({ LogFormat: 'JSON' });
    expect(resourcesOf(apiTemplate, 'AWS::Logs::LogGroup')[logGroupId]?.Properties?.RetentionInDays).toBe(14);
    expect(props.MemorySize).toBeGreaterThanOrEqual(128);
    expect(props.Timeout).toBeGreaterThan(3);
  });

  it('set only environment variables named in lambdas/config.ts (plus NODE_OPTIONS)', () => {
    const allowed = new Set<string>([...Object.values(ENV), 'NODE_OPTIONS']);
    for (const name of NAMES) {
      const variables = Object.keys((fnProps(name).Environment as { Variables: Record<string, unknown> }).Variables);
      expect(variables.filter((v) => !allowed.has(v))).toEqual([]);
    }
  });

  it.each<[ServiceFunctionName, string[]]>([
    ['public', ['CLAIM_ADMIN_GROUPS', 'CLAIM_GROUPS', 'CLAIM_ROLES', 'CLAIM_SUB', 'SYSTEM_ADMIN_ROLE']],
    ['catalogReader', ['CLAIM_ADMIN_GROUPS', 'CLAIM_GROUPS', 'CLAIM_ROLES', 'CLAIM_SUB', 'CURSOR_KEY', 'SYSTEM_ADMIN_ROLE', 'TABLE_NAME']],
    [
      'catalogWriter',
      [
        'BUILD_PROJECT_NAME',
        'CACHE_REPOSITORY_URI',
        'CLAIM_ADMIN_GROUPS',
        'CLAIM_GROUPS',
        'CLAIM_ROLES',
        'CLAIM_SUB',
        'CURSOR_KEY',
        'EVENT_BUS_NAME',
        'IMAGE_REPOSITORY_URI',
        'MAX_CONCURRENT_BUILDS_PER_GROUP',
        'MAX_IMAGES_PER_GROUP',
        'SECRET_PREFIX',
        'STACK_NAME',
        'SYSTEM_ADMIN_ROLE',
        'TABLE_NAME',
      ],
    ],
    ['buildLogs', ['BUILD_LOG_GROUP', 'CLAIM_ADMIN_GROUPS', 'CLAIM_GROUPS', 'CLAIM_ROLES', 'CLAIM_SUB', 'CURSOR_KEY', 'SYSTEM_ADMIN_ROLE', 'TABLE_NAME']],
    ['secrets', ['CLAIM_ADMIN_GROUPS', 'CLAIM_GROUPS', 'CLAIM_ROLES', 'CLAIM_SUB', 'SECRET_PREFIX', 'SYSTEM_ADMIN_ROLE', 'TABLE_NAME']],
    // Neither answers pages, so neither gets the cursor key; the reconciler names no repository.
    ['buildEvents', ['BUILD_LOG_GROUP', 'BUILD_PROJECT_NAME', 'EVENT_BUS_NAME', 'IMAGE_REPOSITORY_URI', 'STACK_NAME', 'TABLE_NAME']],
    ['buildReconciler', ['BUILD_LOG_GROUP', 'BUILD_PROJECT_NAME', 'EVENT_BUS_NAME', 'SECRET_PREFIX', 'STACK_NAME', 'STUCK_BUILD_MINUTES', 'TABLE_NAME']],
  ])('%s gets the variables it reads', (name, expected) => {
    const variables = Object.keys((fnProps(name).Environment as { Variables: Record<string, unknown> }).Variables).filter((v) => v !== 'NODE_OPTIONS');

    expect(variables.sort()).toEqual(expected);
  });

  it('passes the cursor key as a Secrets Manager dynamic reference, never as a literal in the template', () => {
    const value = JSON.stringify((fnProps('catalogReader').Environment as { Variables: Record<string, unknown> }).Variables[ENV.cursorKey]);

    expect(value).toContain('{{resolve:secretsmanager:');
  });

  it('leaves EVENT_BUS_NAME out when no bus is configured', () => {
    const plain = synth();
    const variables = Object.values(resourcesOf(plain.apiTemplate, 'AWS::Lambda::Function')).flatMap((f) =>
      Object.keys((f.Properties!.Environment as { Variables: Record<string, unknown> }).Variables),
    );

    expect(variables).not.toContain(ENV.eventBusName);
  });
});

describe('least privilege, per function', () => {
  it('gives no role an AWS managed policy', () => {
    for (const role of Object.values(resourcesOf(apiTemplate, 'AWS::IAM::Role'))) expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
  });

  it('lets the public function do nothing but write its own log', () => {
    expect(allActions('public')).toEqual(LOG_WRITE);
  });

  it('lets each function write only to its own log group', () => {
    for (const name of NAMES) {
      const ownLogGroup = { 'Fn::GetAtt': [idOf(api.functions[name].logGroup), 'Arn'] };
      expect(actionsOf(name).get('logs:PutLogEvents')).toEqual([ownLogGroup]);
    }
  });

  it.each<[ServiceFunctionName, string[]]>([
    ['catalogReader', [...LOG_WRITE, ...TABLE_READ]],
    ['buildLogs', [...LOG_WRITE, ...TABLE_READ, ...LOG_READ]],
    [
      'secrets',
      [
        ...LOG_WRITE,
        ...TABLE_READ,
        'dynamodb:UpdateItem',
        'secretsmanager:CreateSecret',
        'secretsmanager:DeleteSecret',
        'secretsmanager:DescribeSecret',
        'secretsmanager:ListSecrets',
        'secretsmanager:PutSecretValue',
        'secretsmanager:TagResource',
      ],
    ],
    [
      'catalogWriter',
      [...LOG_WRITE, ...TABLE_READ, ...TABLE_WRITE, 'codebuild:StartBuild', 'codebuild:StopBuild', 'events:PutEvents', 'secretsmanager:DescribeSecret'],
    ],
    ['buildEvents', [...LOG_WRITE, ...TABLE_READ, ...TABLE_WRITE, ...LOG_READ, 'events:PutEvents', 'sqs:SendMessage']],
    ['buildReconciler', [...LOG_WRITE, ...TABLE_READ, ...TABLE_WRITE, ...LOG_READ, 'codebuild:BatchGetBuilds', 'events:PutEvents', 'sqs:SendMessage']],
    [
      'imageRetirement',
      [
        ...LOG_WRITE,
        'dynamodb:DeleteItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:Scan',
        'ecr:BatchDeleteImage',
        'ecr:DescribeImages',
        'sqs:SendMessage',
      ],
    ],
  ])('%s may do exactly what its routes need', (name, expected) => {
    expect(allActions(name)).toEqual(expected.sort());
  });

  it('lets no function but image retirement Scan the table: every request reads by key or Query', () => {
    // Retirement must see every scope once a day (lambdas/store/dynamo-image-references.ts says why).
    expect(whoCan('dynamodb:Scan')).toEqual(['imageRetirement']);
  });

  it('lets image retirement use the table only (no index) and delete only from the image repository', () => {
    const table = data.getLogicalId(data.data.table.node.defaultChild as CfnElement);
    const repository = data.getLogicalId(data.data.imageRepository.node.defaultChild as CfnElement);
    for (const [action, resources] of actionsOf('imageRetirement')) {
      const rendered = JSON.stringify(resources);
      if (action.startsWith('dynamodb:'))
        expect([action, rendered]).toEqual([
          action,
          expect.stringMatching(new RegExp(`^\\[\\{"Fn::ImportValue":"[^"]*${table}Arn[^"]*"\\}\\]$|FnGetAtt${table}Arn[^/]*"\\}\\]$`)),
        ]);
      if (action.startsWith('ecr:')) expect([action, rendered]).toEqual([action, expect.stringContaining(repository)]);
    }
  });

  it('grants table actions on the catalog table and its indexes, nothing else', () => {
    const table = data.getLogicalId(data.data.table.node.defaultChild as CfnElement);
    const indexes = GLOBAL_INDEXES.map((i) => i.name);
    for (const name of NAMES.filter((n) => n !== 'imageRetirement')) {
      for (const [action, resources] of actionsOf(name)) {
        if (!action.startsWith('dynamodb:')) continue;
        // The secrets function's one write is on the table's secret-reference items (the next tests).
        if (name === 'secrets' && action === 'dynamodb:UpdateItem') continue;
        const rendered = resources.map((r) => JSON.stringify(r));
        const onIndex = (index: string) => rendered.filter((r) => new RegExp(`FnGetAtt${table}Arn.*/index/${index}"`).test(r));
        const onTable = rendered.filter((r) => r.includes(`FnGetAtt${table}Arn`) && !r.includes('/index/'));
        expect(rendered).toHaveLength(1 + indexes.length);
        expect(onTable).toHaveLength(1);
        for (const index of indexes) expect(onIndex(index)).toHaveLength(1);
      }
    }
  });

  it('lets only the writer, the build events and the reconciler functions write the table (and the secrets function its secret references)', () => {
    // Image retirement writes only its own marks and the spec claims of the images it retires.
    for (const action of TABLE_WRITE) {
      const retirement = ['dynamodb:PutItem', 'dynamodb:DeleteItem'].includes(action) ? ['imageRetirement'] : [];
      const secrets = action === 'dynamodb:UpdateItem' ? ['secrets'] : [];
      expect(whoCan(action)).toEqual(['buildEvents', 'buildReconciler', 'catalogWriter', ...retirement, ...secrets].sort());
    }
  });
  it('lets the secrets function update only the secret-reference items, on the table alone', () => {
    const role = idOf(api.functions.secrets.role);
    const policies = Object.values(resourcesOf(apiTemplate, 'AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties!.Roles).includes(role));
    const statements = policies.flatMap(
      (p) => (p.Properties!.PolicyDocument as { Statement: { Action: string | string[]; Condition?: unknown; Resource: unknown }[] }).Statement,
    );
    const updates = statements.filter((s) => [s.Action].flat().includes('dynamodb:UpdateItem'));
    expect(updates).toHaveLength(1);
    expect(updates[0]!.Condition).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [SECRETS_PARTITION] } });
    expect(JSON.stringify(updates[0]!.Resource)).not.toContain('/index/');
  });

  it('lets only the writer start and stop builds, only the reconciler ask about them, all on the one project', () => {
    const project = { 'Fn::GetAtt': [idOf(api.builds.project), 'Arn'] };

    expect(whoCan('codebuild:StartBuild')).toEqual(['catalogWriter']);
    expect(whoCan('codebuild:StopBuild')).toEqual(['catalogWriter']);
    expect(whoCan('codebuild:BatchGetBuilds')).toEqual(['buildReconciler']);
    expect(actionsOf('catalogWriter').get('codebuild:StartBuild')).toEqual([project]);
    expect(actionsOf('buildReconciler').get('codebuild:BatchGetBuilds')).toEqual([project]);
  });

  it('lets only the logs, build events and reconciler functions read logs, and only the build log group', () => {
    const buildLogGroup = data.getLogicalId(data.data.buildLogGroup.node.defaultChild as CfnElement);

    for (const action of LOG_READ) {
      expect(whoCan(action)).toEqual(['buildEvents', 'buildLogs', 'buildReconciler']);
      for (const name of whoCan(action)) {
        const resources = actionsOf(name)
          .get(action)!
          .map((r) => JSON.stringify(r));
        expect(resources.length).toBeGreaterThan(0);
        for (const r of resources) expect(r).toContain(buildLogGroup);
      }
    }
  });

  it('lets no function read a secret value, and scopes every secret action to the service prefix (ListSecrets aside)', () => {
    const prefixArn = `:secret:${api.secretPrefix}*`;
    for (const name of NAMES) {
      expect(actionsOf(name).has('secretsmanager:GetSecretValue')).toBe(false);
      for (const [action, resources] of actionsOf(name)) {
        if (!action.startsWith('secretsmanager:') || action === 'secretsmanager:ListSecrets') continue;
        expect(resources.map((r) => JSON.stringify(r))).toEqual([expect.stringContaining(prefixArn)]);
      }
    }
    expect(whoCan('secretsmanager:PutSecretValue')).toEqual(['secrets']);
    expect(whoCan('secretsmanager:DeleteSecret')).toEqual(['secrets']);
  });

  it('uses Resource "*" only where AWS has no resource-level permissions', () => {
    const roles = Object.keys(resourcesOf(apiTemplate, 'AWS::IAM::Role'));
    const starred = roles.flatMap((role) => [...actionsOfRole(apiTemplate, role)].filter(([, resources]) => resources.includes('*')).map(([action]) => action));

    expect(starred.sort()).toEqual(['ecr:GetAuthorizationToken', 'secretsmanager:ListSecrets']);
  });

  it('lets only the functions that report build progress publish to the configured bus', () => {
    expect(whoCan('events:PutEvents')).toEqual(['buildEvents', 'buildReconciler', 'catalogWriter']);
    expect(JSON.stringify(actionsOf('buildEvents').get('events:PutEvents'))).toContain(':event-bus/portal-events');
  });
});

describe('a customer-managed key for pull secrets', () => {
  const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const withKey = synth({ pullSecretKmsKeyArn: KEY });
  const roleActions = (role: { node: { defaultChild?: unknown } }) =>
    actionsOfRole(withKey.apiTemplate, withKey.api.getLogicalId(role.node.defaultChild as CfnElement));
  const kmsActions = (role: { node: { defaultChild?: unknown } }) => [...roleActions(role).keys()].filter((a) => a.startsWith('kms:')).sort();

  it('is named to the secrets function, which may use it only through Secrets Manager to store secrets', () => {
    const variables = (
      resourcesOf(withKey.apiTemplate, 'AWS::Lambda::Function')[
        withKey.api.getLogicalId(withKey.api.functions.secrets.function.node.defaultChild as CfnElement)
      ]!.Properties!.Environment as { Variables: Record<string, unknown> }
    ).Variables;

    expect(variables[ENV.secretsKmsKeyId]).toBe(KEY);
    expect(kmsActions(withKey.api.functions.secrets.role)).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    withKey.apiTemplate.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Effect: 'Allow',
            Resource: KEY,
            Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
          },
        ]),
      },
    });
  });

  it('lets the build decrypt (through Secrets Manager) and no other function use it', () => {
    expect(kmsActions(withKey.api.builds.role)).toEqual(['kms:Decrypt']);
    for (const name of NAMES.filter((n) => n !== 'secrets')) expect(kmsActions(withKey.api.functions[name].role)).toEqual([]);
  });

  it('is not used at all when not configured', () => {
    for (const name of NAMES) expect(allActions(name).filter((a) => a.startsWith('kms:'))).toEqual([]);
  });
});
