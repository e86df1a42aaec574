/**
 * The AWS adapters the Lambda entries build from their environment, once per container. Every
 * setting is read from the `env` an entry is given (process.env in Lambda), never from process.env
 * here, so a test can wire an entry with a recording environment and see what it reads
 * (test/infra/function-needs.test.ts). Each entry imports only what it uses, so a bundle holds only
 * the SDK clients its function needs: the settling ones (EventBridge) are in build-settlement.ts.
 */
import { claimNamesFrom, ENV, required } from '../config.ts';
import { cursorCodec } from '../domain/cursor.ts';
import { dynamoClient } from '../store/dynamo.ts';
import { DynamoImageStore } from '../store/dynamo-image-store.ts';
import { DynamoBuildStore } from '../store/dynamo-build-store.ts';
import type { ClaimPorts, StorePorts, TablePorts } from '../wiring/ports.ts';

export type Env = Readonly<Record<string, string | undefined>>;

const db = dynamoClient();
export const table = (env: Env) => ({ db, name: required(env, ENV.tableName) });

export const claimPortsFrom = (env: Env): ClaimPorts => ({ claims: claimNamesFrom(env) });

export function tablePortsFrom(env: Env): TablePorts {
  const { name } = table(env);
  return { imageStore: new DynamoImageStore(db, name), buildStore: new DynamoBuildStore(db, name) };
}

/** Only the functions that answer pages read the cursor key (a secret). */
export const cursorsFrom = (env: Env) => cursorCodec(required(env, ENV.cursorKey));

export const storePortsFrom = (env: Env): StorePorts => ({ ...tablePortsFrom(env), cursors: cursorsFrom(env) });
