import { catalogReader } from '../wiring/catalog-reader.ts';
import { claimPortsFrom, storePortsFrom, type Env } from './aws-wiring.ts';

export const fromEnvironment = (env: Env) => catalogReader({ ...claimPortsFrom(env), ...storePortsFrom(env) });

export const { handler } = fromEnvironment(process.env);
