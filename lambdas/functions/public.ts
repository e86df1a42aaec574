import { claimNamesFrom } from '../config.ts';
import { publicFunction } from '../wiring/public.ts';

type Env = Readonly<Record<string, string | undefined>>;

// Not through aws-wiring.ts: this bundle has no DynamoDB client.
export const fromEnvironment = (env: Env) => publicFunction({ claims: claimNamesFrom(env) });

export const { handler } = fromEnvironment(process.env);
