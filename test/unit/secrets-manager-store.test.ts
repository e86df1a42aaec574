/**
 * Pull secrets in Secrets Manager, checked by what the store sends (aws-sdk-client-mock): the
 * registry login as a .dockerconfigjson under the service prefix, listing that never reads a value.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { SecretsManagerStore } from '../../lambdas/aws/secrets-manager-store.ts';
import { SecretsManagerDirectory } from '../../lambdas/aws/secrets-manager-directory.ts';

const PREFIX = 'group-images/pull-secrets/';
const LOGIN = { registry: 'ghcr.io', username: 'team-a-bot', password: 'ghp_3xAmpLeT0k3n-n0t-r3al' };
const AT = '2025-06-03T09:00:00.000Z';

const client = new SecretsManagerClient({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'unit-test' } });
const sm = mockClient(client);
beforeEach(() => {
  sm.reset();
});

const store = (kmsKeyId?: string) => new SecretsManagerStore(client, PREFIX, kmsKeyId);
/** A system secret's reference. */
const SYS = (name: string) => ({ group: null, name });
const named = (name: string) => Object.assign(new Error(name), { name });

describe('SecretsManagerStore.put', () => {
  it('creates the secret under the prefix, its value the registry login as a .dockerconfigjson, its registry a tag', async () => {
    // Prepare
    sm.on(CreateSecretCommand).resolves({ Name: `${PREFIX}ghcr-team-a` });

    // Act
    const result = await store().put(SYS('ghcr-team-a'), LOGIN, AT);

    // Assess
    const input = sm.commandCalls(CreateSecretCommand)[0]!.args[0].input;
    expect(input).toEqual(
      expect.objectContaining({
        Name: 'group-images/pull-secrets/ghcr-team-a',
        Tags: [{ Key: 'group-images:registry', Value: 'ghcr.io' }],
        KmsKeyId: undefined,
      }),
    );
    expect(JSON.parse(input.SecretString!)).toEqual({
      auths: { 'ghcr.io': { username: 'team-a-bot', password: LOGIN.password, auth: Buffer.from(`team-a-bot:${LOGIN.password}`).toString('base64') } },
    });
    expect(input.Description).not.toContain(LOGIN.password);
    expect(result).toEqual({ created: true, secret: { name: 'ghcr-team-a', registry: 'ghcr.io', createdAt: AT } });
    expect(JSON.stringify(result)).not.toContain(LOGIN.password);
  });

  it("encrypts with the deployment's KMS key when it names one", async () => {
    // Prepare
    sm.on(CreateSecretCommand).resolves({});

    // Act
    await store('alias/group-images-secrets').put(SYS('ghcr-team-a'), LOGIN, AT);

    // Assess
    expect(sm.commandCalls(CreateSecretCommand)[0]!.args[0].input.KmsKeyId).toBe('alias/group-images-secrets');
  });

  it('replaces the value and the registry tag of an existing secret, keeping its creation time', async () => {
    // Prepare
    sm.on(CreateSecretCommand).rejects(named('ResourceExistsException'));
    sm.on(PutSecretValueCommand).resolves({});
    sm.on(TagResourceCommand).resolves({});
    sm.on(ListSecretsCommand).resolves({
      SecretList: [{ Name: `${PREFIX}ghcr-team-a`, CreatedDate: new Date('2025-01-02T03:04:05Z'), Tags: [{ Key: 'group-images:registry', Value: 'ghcr.io' }] }],
    });
    const replacement = { registry: 'registry.example.com:5000', username: 'robot', password: 'n3w-pa55w0rd' };

    // Act
    const result = await store().put(SYS('ghcr-team-a'), replacement, AT);

    // Assess
    const put = sm.commandCalls(PutSecretValueCommand)[0]!.args[0].input;
    expect(put.SecretId).toBe('group-images/pull-secrets/ghcr-team-a');
    expect(JSON.parse(put.SecretString!).auths).toEqual({
      'registry.example.com:5000': expect.objectContaining({ username: 'robot', password: 'n3w-pa55w0rd' }),
    });
    expect(sm.commandCalls(TagResourceCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: 'group-images/pull-secrets/ghcr-team-a', Tags: [{ Key: 'group-images:registry', Value: 'registry.example.com:5000' }] },
    ]);
    expect(result).toEqual({ created: false, secret: { name: 'ghcr-team-a', registry: 'registry.example.com:5000', createdAt: '2025-01-02T03:04:05.000Z' } });
  });

  it('lets other errors through without replacing anything', async () => {
    // Prepare
    sm.on(CreateSecretCommand).rejects(named('AccessDeniedException'));

    // Act
    const error = await store()
      .put(SYS('ghcr-team-a'), LOGIN, AT)
      .catch((e: Error) => e);

    // Assess
    expect(error).toEqual(expect.objectContaining({ name: 'AccessDeniedException' }));
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });
});

describe('SecretsManagerStore.list', () => {
  it('lists the secrets under the prefix by name, registry and creation time, never reading a value', async () => {
    // Prepare
    sm.on(ListSecretsCommand).resolves({
      SecretList: [
        {
          Name: `${PREFIX}ghcr-team-a`,
          CreatedDate: new Date('2025-01-02T03:04:05Z'),
          Tags: [
            { Key: 'group-images:registry', Value: 'ghcr.io' },
            { Key: 'team', Value: 'a' },
          ],
        },
        { Name: `${PREFIX}quay-shared`, CreatedDate: new Date('2025-02-03T04:05:06Z'), Tags: [{ Key: 'group-images:registry', Value: 'quay.io' }] },
        { Name: `${PREFIX}being-deleted`, CreatedDate: new Date('2025-02-03T04:05:06Z'), DeletedDate: new Date('2025-06-01T00:00:00Z') },
        { Name: 'someone-else/ghcr-team-a', CreatedDate: new Date('2025-02-03T04:05:06Z') },
        { Name: `${PREFIX}group/team-a/ghcr-team-a`, CreatedDate: new Date('2025-02-03T04:05:06Z') },
      ],
    });

    // Act
    const items = await store().list(null);

    // Assess
    expect(sm.commandCalls(ListSecretsCommand)[0]!.args[0].input.Filters).toEqual([{ Key: 'name', Values: [PREFIX] }]);
    expect(items).toEqual([
      { name: 'ghcr-team-a', registry: 'ghcr.io', createdAt: '2025-01-02T03:04:05.000Z' },
      { name: 'quay-shared', registry: 'quay.io', createdAt: '2025-02-03T04:05:06.000Z' },
    ]);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    expect(sm.commandCalls(BatchGetSecretValueCommand)).toHaveLength(0);
  });

  it('follows NextToken to the last page', async () => {
    // Prepare
    sm.on(ListSecretsCommand, { NextToken: undefined }).resolves({ SecretList: [{ Name: `${PREFIX}a`, CreatedDate: new Date(AT) }], NextToken: 'two' });
    sm.on(ListSecretsCommand, { NextToken: 'two' }).resolves({ SecretList: [{ Name: `${PREFIX}b`, CreatedDate: new Date(AT) }] });

    // Act
    const items = await store().list(null);

    // Assess
    expect(items.map((i) => i.name)).toEqual(['a', 'b']);
    expect(sm.commandCalls(ListSecretsCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'two']);
  });
});

describe('SecretsManagerStore.remove', () => {
  it('deletes without a recovery window, so the name can be stored again at once', async () => {
    // Prepare
    sm.on(DeleteSecretCommand).resolves({});

    // Act
    const removed = await store().remove(SYS('ghcr-team-a'));

    // Assess
    expect(removed).toBe(true);
    expect(sm.commandCalls(DeleteSecretCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: 'group-images/pull-secrets/ghcr-team-a', ForceDeleteWithoutRecovery: true },
    ]);
  });

  it('answers false for a secret that does not exist', async () => {
    // Prepare
    sm.on(DeleteSecretCommand).rejects(named('ResourceNotFoundException'));

    // Act
    const removed = await store().remove(SYS('ghcr-team-a'));

    // Assess
    expect(removed).toBe(false);
  });
});

describe('SecretsManagerDirectory.exists', () => {
  it('asks DescribeSecret (metadata only) about the prefixed name', async () => {
    // Prepare
    sm.on(DescribeSecretCommand).resolves({ Name: `${PREFIX}ghcr-team-a` });

    // Act
    const exists = await new SecretsManagerDirectory(client, PREFIX).exists(SYS('ghcr-team-a'));

    // Assess
    expect(exists).toBe(true);
    expect(sm.commandCalls(DescribeSecretCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: 'group-images/pull-secrets/ghcr-team-a' }]);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('answers false for a missing secret and for one scheduled for deletion', async () => {
    // Prepare
    sm.on(DescribeSecretCommand, { SecretId: `${PREFIX}gone` }).rejects(named('ResourceNotFoundException'));
    sm.on(DescribeSecretCommand, { SecretId: `${PREFIX}going` }).resolves({ Name: `${PREFIX}going`, DeletedDate: new Date(AT) });
    const directory = new SecretsManagerDirectory(client, PREFIX);

    // Act
    const answers = [await directory.exists(SYS('gone')), await directory.exists(SYS('going'))];

    // Assess
    expect(answers).toEqual([false, false]);
  });
});

describe('group pull secrets', () => {
  const TEAM_A = (name: string) => ({ group: 'team-a', name });

  it("are stored under the group's own prefix, which the system's list leaves out", async () => {
    // Prepare
    sm.on(CreateSecretCommand).resolves({});
    sm.on(ListSecretsCommand).resolves({
      SecretList: [
        { Name: `${PREFIX}group/team-a/ghcr`, CreatedDate: new Date(AT), Tags: [{ Key: 'group-images:registry', Value: 'ghcr.io' }] },
        // A prefix match that is another group's ("team-a-x" begins like "team-a") or a deeper path: not this group's.
        { Name: `${PREFIX}group/team-a-x/ghcr`, CreatedDate: new Date(AT) },
        { Name: `${PREFIX}group/team-a/nested/ghcr`, CreatedDate: new Date(AT) },
      ],
    });

    // Act
    await store().put(TEAM_A('ghcr'), LOGIN, AT);
    const listed = await store().list('team-a');

    // Assess
    expect(sm.commandCalls(CreateSecretCommand)[0]!.args[0].input.Name).toBe('group-images/pull-secrets/group/team-a/ghcr');
    expect(sm.commandCalls(ListSecretsCommand)[0]!.args[0].input.Filters).toEqual([{ Key: 'name', Values: [`${PREFIX}group/team-a/`] }]);
    expect(listed.map((s) => s.name)).toEqual(['ghcr']);
  });

  it('are asked about and deleted by their own id', async () => {
    // Prepare
    sm.on(DescribeSecretCommand).resolves({});
    sm.on(DeleteSecretCommand).resolves({});

    // Act
    await new SecretsManagerDirectory(client, PREFIX).exists(TEAM_A('ghcr'));
    await store().remove(TEAM_A('ghcr'));

    // Assess
    expect(sm.commandCalls(DescribeSecretCommand)[0]!.args[0].input.SecretId).toBe(`${PREFIX}group/team-a/ghcr`);
    expect(sm.commandCalls(DeleteSecretCommand)[0]!.args[0].input.SecretId).toBe(`${PREFIX}group/team-a/ghcr`);
  });
});
