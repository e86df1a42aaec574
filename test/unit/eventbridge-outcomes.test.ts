/** Build outcome events say which deployment published them (issue 16: environments sharing a bus). */
import { describe, expect, it } from '@jest/globals';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgeOutcomes } from '../../lambdas/aws/eventbridge-outcomes.ts';
import type { BuildOutcome } from '../../lambdas/domain/build-outcomes.ts';

const outcome: BuildOutcome = {
  scope: 'group',
  group: 'team-a',
  image: 'nlp-ab12c',
  buildId: 'b0mx2cp2bqft622',
  status: 'succeeded',
  imageUrl: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/group-images:sha-4baa',
  reused: false,
  failureReason: null,
  createdBy: 'ada',
  createdAt: '2026-11-29T21:28:04.358Z',
  finishedAt: '2026-11-29T21:31:40.102Z',
  digest: `sha256:${'a'.repeat(64)}`,
  vulnerabilities: { critical: 1, high: 0, medium: 2, low: 0, informational: 0, undefined: 0, scannedAt: '2026-11-29T21:31:00.000Z' },
};

describe('build outcome events', () => {
  it('carry the stack name in their detail, with the same source for every deployment', async () => {
    const events = mockClient(EventBridgeClient);
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });

    await new EventBridgeOutcomes(new EventBridgeClient({ region: 'eu-west-1' }), 'portal-events', 'GroupImages-staging').publish(outcome);

    const [entry] = events.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries!;
    expect(entry!.Source).toBe('group-images');
    expect(JSON.parse(entry!.Detail!)).toEqual({ ...outcome, stackName: 'GroupImages-staging' });
    events.restore();
  });
});
