/**
 * What every function that can settle a build (the writer, the build-events function and the
 * reconciler) is given in AWS: the stores, where outcome events go, how builds are counted, scans.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ENV } from '../config.ts';
import { emfBuildMetrics } from '../aws/emf-build-metrics.ts';
import { EventBridgeOutcomes } from '../aws/eventbridge-outcomes.ts';
import { ImageScans } from '../domain/image-scans.ts';
import { DynamoImageScans } from '../store/dynamo-image-scans.ts';
import { systemClock, type SettlementPorts } from '../wiring/ports.ts';
import { table, tablePortsFrom, type Env } from './aws-wiring.ts';

export function settlementPortsFrom(env: Env): SettlementPorts {
  const { db, name } = table(env);
  return {
    ...tablePortsFrom(env),
    clock: systemClock,
    // Build outcomes go to EVENT_BUS_NAME, or the account's default bus.
    outcomes: new EventBridgeOutcomes(new EventBridgeClient({}), env[ENV.eventBusName] || undefined, env[ENV.stackName] || undefined),
    metrics: emfBuildMetrics,
    scans: new ImageScans(new DynamoImageScans(db, name)),
  };
}
