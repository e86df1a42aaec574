/**
 * What every function that can settle a build (the writer, the build-events function and the
 * reconciler) shares: the stores, the cursors, where outcome events go and how builds are counted.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ENV } from '../config.ts';
import { emfBuildMetrics } from '../aws/emf-build-metrics.ts';
import { EventBridgeOutcomes } from '../aws/eventbridge-outcomes.ts';
import { buildStore, cursors, env, imageScans, imageStore } from './aws-wiring.ts';

export const settlement = () => ({
  images: imageStore(),
  builds: buildStore(),
  cursors: cursors(),
  // Build outcomes go to EVENT_BUS_NAME, or the account's default bus.
  outcomes: new EventBridgeOutcomes(new EventBridgeClient({}), env[ENV.eventBusName] || undefined, env[ENV.stackName] || undefined),
  metrics: emfBuildMetrics,
  scans: imageScans(),
});
