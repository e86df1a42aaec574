import { Match } from 'aws-cdk-lib/assertions';
import { RUNNING_INDEX, SECRET_USE_INDEXES, SELECTION_INDEXES, TABLE_KEYS } from '../../lambdas/store/table.ts';
import { only, resourcesOf, synth } from './synth.ts';

describe('data stack', () => {
  const { dataTemplate } = synth({ buildLogRetentionDays: 365 });

  it('holds only stateful resources, every one retained on deletion and on replacement', () => {
    const resources = Object.values(dataTemplate.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string; UpdateReplacePolicy?: string }>);

    expect(resources.map((r) => r.Type).sort()).toEqual(['AWS::DynamoDB::Table', 'AWS::ECR::Repository', 'AWS::ECR::Repository', 'AWS::Logs::LogGroup']);
    for (const r of resources) {
      expect([r.Type, r.DeletionPolicy, r.UpdateReplacePolicy]).toEqual([r.Type, 'Retain', 'Retain']);
    }
  });

  it('keeps the catalog in one on-demand, encrypted table with point-in-time recovery and deletion protection', () => {
    const table = only(dataTemplate, 'AWS::DynamoDB::Table');

    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: TABLE_KEYS.partition, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sort, KeyType: 'RANGE' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('has the sparse indexes the reconciler, the secret-in-use check and the image selection query', () => {
    dataTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        {
          IndexName: RUNNING_INDEX.name,
          KeySchema: [
            { AttributeName: RUNNING_INDEX.partition, KeyType: 'HASH' },
            { AttributeName: RUNNING_INDEX.sort, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        ...SECRET_USE_INDEXES.map((index) => ({
          IndexName: index.name,
          KeySchema: [{ AttributeName: index.partition, KeyType: 'HASH' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        })),
        ...[SELECTION_INDEXES.cpu, SELECTION_INDEXES.gpu].map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partition, KeyType: 'HASH' },
            { AttributeName: TABLE_KEYS.sort, KeyType: 'RANGE' },
          ],
          Projection: {
            ProjectionType: 'INCLUDE',
            NonKeyAttributes: ['name', 'displayName', 'description', 'group', 'type', 'url', 'urlForGpu', 'pullSecret', 'latestBuild'],
          },
        })),
      ],
    });
  });

  it('pushes images to an immutable, scanned repository whose tagged images never expire', () => {
    const images = Object.values(resourcesOf(dataTemplate, 'AWS::ECR::Repository')).find((r) => r.Properties?.ImageTagMutability === 'IMMUTABLE');
    const lifecycle = JSON.parse((images?.Properties?.LifecyclePolicy as { LifecyclePolicyText: string }).LifecyclePolicyText) as {
      rules: { selection: { tagStatus: string } }[];
    };

    expect(images?.Properties?.ImageScanningConfiguration).toEqual({ ScanOnPush: true });
    expect(lifecycle.rules.map((r) => r.selection.tagStatus)).toEqual(['untagged']);
  });

  it('keeps the layer cache in a separate, mutable repository whose stale entries expire', () => {
    const cache = Object.values(resourcesOf(dataTemplate, 'AWS::ECR::Repository')).find((r) => r.Properties?.ImageTagMutability === 'MUTABLE');
    const lifecycle = JSON.parse((cache?.Properties?.LifecyclePolicy as { LifecyclePolicyText: string }).LifecyclePolicyText) as {
      rules: { selection: { tagStatus: string; countType: string } }[];
    };

    expect(lifecycle.rules.map((r) => [r.selection.tagStatus, r.selection.countType])).toEqual([
      ['untagged', 'sinceImagePushed'],
      ['any', 'sinceImagePushed'],
    ]);
  });

  it('keeps build logs for the configured retention', () => {
    dataTemplate.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    dataTemplate.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain', Properties: Match.anyValue() });
  });
});
