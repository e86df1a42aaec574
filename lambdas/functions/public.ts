import { claimNamesFrom } from '../config.ts';
import { publicFunction } from '../wiring/public.ts';
import type { Env } from './aws-wiring.ts';

// Only a type from aws-wiring.ts: this bundle has no DynamoDB client.
export const fromEnvironment = (env: Env) => publicFunction({ claims: claimNamesFrom(env) });

export const { handler } = fromEnvironment(process.env);
