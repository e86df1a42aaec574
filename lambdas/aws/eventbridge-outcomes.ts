/** Build outcomes published to an EventBridge bus (the account's default bus unless one is named). */
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { OUTCOME_DETAIL_TYPES, OUTCOME_SOURCE, type BuildOutcome, type BuildOutcomePublisher } from '../domain/build-outcomes.ts';
import { errorFields, log } from '../observability/log.ts';

export class EventBridgeOutcomes implements BuildOutcomePublisher {
  constructor(
    private readonly events: EventBridgeClient,
    private readonly busName: string | undefined,
    /**
     * The deployment that published it (its `stackName` setting), as `detail.stackName`: environments
     * sharing an account's default bus tell their events apart by it (an EventBridge rule matches
     * `"detail": {"stackName": ["GroupImages-prod"]}`). The source stays "group-images" for every one.
     */
    private readonly stackName?: string,
  ) {}

  async publish(outcome: BuildOutcome): Promise<void> {
    try {
      const out = await this.events.send(
        new PutEventsCommand({
          Entries: [
            {
              Source: OUTCOME_SOURCE,
              DetailType: OUTCOME_DETAIL_TYPES[outcome.status],
              Detail: JSON.stringify(this.stackName ? { ...outcome, stackName: this.stackName } : outcome),
              EventBusName: this.busName,
            },
          ],
        }),
      );
      if (out.FailedEntryCount) log('error', 'build outcome not published', { buildId: outcome.buildId, entries: out.Entries });
    } catch (e) {
      log('error', 'build outcome not published', { buildId: outcome.buildId, ...errorFields(e) });
    }
  }
}

/** Local mode: the outcome is logged, as an event bus would receive it. */
export const loggedOutcomes: BuildOutcomePublisher = {
  async publish(outcome) {
    log('info', 'build outcome event', { source: OUTCOME_SOURCE, detailType: OUTCOME_DETAIL_TYPES[outcome.status], detail: outcome });
  },
};
