import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ENV } from '../config.ts';
import { EventBridgeOutcomes } from '../aws/eventbridge-outcomes.ts';

/** Build outcomes go to EVENT_BUS_NAME, or the account's default bus. */
export const outcomes = () => new EventBridgeOutcomes(new EventBridgeClient({}), process.env[ENV.eventBusName] || undefined);
