/**
 * Every function's synthesized environment against what its code reads: each Lambda entry's wiring
 * (lambdas/functions/<name>.ts, `fromEnvironment`) is run with a recording environment, so the
 * variables it reads are those of its code, not a list kept beside it. Each one must be set (with
 * every optional setting on, so every variable is), nothing may be set that it never reads, and a
 * variable that names a resource must come with a grant on that resource in the function's role,
 * unless the CDK table (lib/api-stack.ts, `needs`) says the function only passes the name on.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { ENV } from '../../lambdas/config.ts';
import { entryOf, type ServiceFunctionName } from '../../lib/api-stack.ts';
import { namesOnlyOf } from '../../lib/function-needs.ts';
import { PROJECT_ROOT } from '../../lib/service-function.ts';
import { actionsOfRole, resourcesOf, synth } from './synth.ts';

/** Every optional setting that adds a variable, on. */
const EVERY_VARIABLE = {
  eventBusName: 'portal-events',
  groupPrefix: '/',
  adminGroupSuffix: '-admins',
  pullSecretKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  pullThroughCaches: 'ecr-public,quay',
};
const { api, data, apiTemplate, dataTemplate } = synth(EVERY_VARIABLE);
const NAMES = Object.keys(api.functions) as ServiceFunctionName[];
const ENV_NAMES = new Set<string>(Object.values(ENV));

/** Variables whose value is a resource's name as a plain string (not a reference CloudFormation resolves). */
const LITERAL_RESOURCE_NAMES = new Set<string>([ENV.secretPrefix, ENV.eventBusName, ENV.secretsKmsKeyId]);

const idOf = (construct: { node: { defaultChild?: unknown } }) => api.getLogicalId(construct.node.defaultChild as CfnElement);
type Variables = Record<string, unknown>;
const synthesizedEnvironment = (name: ServiceFunctionName): Variables =>
  (resourcesOf(apiTemplate, 'AWS::Lambda::Function')[idOf(api.functions[name].function)]!.Properties!.Environment as { Variables: Variables }).Variables;

/** The data stack's exports, by name -> the logical id of the resource each refers to. */
const exported = new Map(
  Object.values((dataTemplate.toJSON() as { Outputs?: Record<string, { Value: unknown; Export?: { Name: string } }> }).Outputs ?? {}).flatMap((o) => {
    const value = o.Value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
    const id = value.Ref ?? value['Fn::GetAtt']?.[0];
    return o.Export && id ? [[o.Export.Name, `${data.stackName}:${id}`] as const] : [];
  }),
);

/** The resources a CloudFormation value refers to (Ref, Fn::GetAtt, Fn::ImportValue of the data stack), as `<stack>:<logical id>`. */
function resourcesReferredToBy(value: unknown): Set<string> {
  const found = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.Ref === 'string' && !o.Ref.startsWith('AWS::')) found.add(`${api.stackName}:${o.Ref}`);
    if (Array.isArray(o['Fn::GetAtt'])) found.add(`${api.stackName}:${o['Fn::GetAtt'][0] as string}`);
    if (typeof o['Fn::ImportValue'] === 'string') found.add(exported.get(o['Fn::ImportValue']) ?? `import:${o['Fn::ImportValue']}`);
    Object.values(o).forEach(walk);
  };
  walk(value);
  return found;
}

/** A value as the function would see it: references become plausible strings. */
function asDeployed(value: unknown): string {
  if (typeof value === 'string') return value;
  const o = value as Record<string, unknown>;
  if (Array.isArray(o['Fn::Join'])) {
    const [separator, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map(asDeployed).join(separator);
  }
  const pseudo: Record<string, string> = {
    'AWS::AccountId': '123456789012',
    'AWS::Region': 'eu-west-1',
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
  };
  if (typeof o.Ref === 'string' && pseudo[o.Ref]) return pseudo[o.Ref]!;
  return 'resolved-at-deployment';
}

/** Runs the entry's wiring with the function's synthesized environment and records which of lambdas/config.ts's variables it reads. */
async function variablesRead(name: ServiceFunctionName): Promise<string[]> {
  const entry = (await import(join(PROJECT_ROOT, entryOf(name)))) as { fromEnvironment: (env: Record<string, string | undefined>) => unknown };
  const given = Object.fromEntries(Object.entries(synthesizedEnvironment(name)).map(([k, v]) => [k, asDeployed(v)]));
  const read = new Set<string>();
  const recording = new Proxy(given, {
    get(target, key) {
      if (typeof key === 'string' && ENV_NAMES.has(key)) read.add(key);
      return Reflect.get(target, key);
    },
  });
  entry.fromEnvironment(recording);
  return [...read].sort();
}

interface Facts {
  /** Variable -> its synthesized value. */
  set: Variables;
  read: string[];
  /** Action -> the resources the role may perform it on. */
  grants: Map<string, unknown[]>;
  namesOnly: Record<string, string>;
}

/** What is wrong with one function's environment and grants: one line each. */
function problemsOf({ set, read, grants, namesOnly }: Facts): string[] {
  const setNames = Object.keys(set).filter((k) => k !== 'NODE_OPTIONS');
  const problems = [
    ...read.filter((v) => !(v in set)).map((v) => `${v} is read but not set`),
    ...setNames.filter((v) => !read.includes(v)).map((v) => `${v} is set but never read`),
    ...Object.keys(namesOnly)
      .filter((v) => !setNames.includes(v))
      .map((v) => `${v} is declared a name only, but not set`),
  ];
  const granted = [...grants.values()].flat();
  for (const variable of read.filter((v) => v in set && !(v in namesOnly))) {
    const value = set[variable];
    const refersTo = resourcesReferredToBy(value);
    const literal = LITERAL_RESOURCE_NAMES.has(variable) && typeof value === 'string' ? value : undefined;
    if (refersTo.size === 0 && !literal) continue; // a setting, not a resource
    const covered = granted.some((resource) =>
      literal ? JSON.stringify(resource).includes(literal) : [...resourcesReferredToBy(resource)].some((r) => refersTo.has(r)),
    );
    if (!covered) problems.push(`${variable} names ${literal ?? [...refersTo].join(', ')} but the role has no grant on it`);
  }
  return problems;
}

const facts = async (name: ServiceFunctionName): Promise<Facts> => ({
  set: synthesizedEnvironment(name),
  read: await variablesRead(name),
  grants: actionsOfRole(apiTemplate, idOf(api.functions[name].role)),
  namesOnly: namesOnlyOf(api.needs[name].needs),
});

beforeAll(() => {
  // The entries wire themselves from process.env when first imported: give them what they need.
  for (const name of NAMES) for (const [k, v] of Object.entries(synthesizedEnvironment(name))) process.env[k] ??= asDeployed(v);
});

describe("each function's needs (lib/api-stack.ts) against what its code reads", () => {
  it.each(NAMES)('%s: every variable its wiring reads is set, nothing else is, and each resource it names is granted', async (name) => {
    const f = await facts(name);
    expect(f.read.length).toBeGreaterThan(0);
    expect(problemsOf(f)).toEqual([]);
  });

  it('gives a reason for every name a function only passes on', () => {
    for (const name of NAMES)
      for (const [variable, why] of Object.entries(namesOnlyOf(api.needs[name].needs))) expect([variable, why.length > 20]).toEqual([variable, true]);
  });

  describe('finds what is wrong (the check can fail)', () => {
    it('a variable read but not set, and one set but never read', async () => {
      const f = await facts('catalogReader');
      const { [ENV.tableName]: _dropped, ...set } = f.set;
      expect(problemsOf({ ...f, set })).toEqual([`${ENV.tableName} is read but not set`]);
      expect(problemsOf({ ...f, set: { ...f.set, [ENV.buildLogGroup]: 'x' } })).toEqual([`${ENV.buildLogGroup} is set but never read`]);
    });

    it('a variable naming a resource without its grant', async () => {
      const f = await facts('buildLogs');
      const grants = new Map([...f.grants].filter(([action]) => !action.startsWith('logs:GetLogEvents') && !action.startsWith('logs:FilterLogEvents')));
      expect(problemsOf({ ...f, grants })).toEqual([
        expect.stringMatching(new RegExp(`^${ENV.buildLogGroup} names .*DataBuildLogs.* but the role has no grant on it$`)),
      ]);
    });

    it('a literal resource name (the pull-secret prefix) without its grant', async () => {
      const f = await facts('secrets');
      const grants = new Map([...f.grants].filter(([action]) => !action.startsWith('secretsmanager:')));
      expect(problemsOf({ ...f, grants })).toEqual([`${ENV.secretPrefix} names ${f.set[ENV.secretPrefix] as string} but the role has no grant on it`]);
    });

    it('a name-only declaration for a variable that is not set', async () => {
      const f = await facts('public');
      expect(problemsOf({ ...f, namesOnly: { [ENV.imageRepositoryUri]: 'stale' } })).toEqual([
        `${ENV.imageRepositoryUri} is declared a name only, but not set`,
      ]);
    });
  });
});

/** Relative imports only: what a file reaches inside the project. */
function filesReachedFrom(entry: string): string[] {
  const seen = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)) walk(resolve(dirname(file), m[1]!));
  };
  walk(entry);
  return [...seen];
}

describe('where the functions read their settings', () => {
  // The recording above sees only what is read through `env`: a module reading process.env itself
  // would escape it. Only the entry hands process.env over; the runtime's own variables (LOG_LEVEL,
  // AWS_LAMBDA_FUNCTION_NAME) may be read anywhere, as they are not settings CDK gives.
  it.each(NAMES)('%s reads every setting through the environment its entry is given', (name) => {
    const entry = join(PROJECT_ROOT, entryOf(name));
    const offending = filesReachedFrom(entry).flatMap((file) => {
      const text = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, ''); // code, not its comments
      const named = [...text.matchAll(/process\.env(?:\.(\w+)|\[['"](\w+)['"]\])?/g)].map((m) => m[1] ?? m[2]);
      return named.filter((v) => (v === undefined ? file !== entry : ENV_NAMES.has(v))).map((v) => `${file}: process.env${v ? `.${v}` : ''}`);
    });
    expect(offending).toEqual([]);
  });
});
