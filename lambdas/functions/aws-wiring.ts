/** The AWS adapters every function builds from its environment, created once per container. */
import { ENV, required } from '../config.ts';
import { cursorCodec } from '../domain/cursor.ts';
import { dynamoClient } from '../store/dynamo.ts';
import { DynamoImageStore } from '../store/dynamo-image-store.ts';

const env = process.env;

export const db = dynamoClient();
export const tableName = () => required(env, ENV.tableName);
export const imageStore = () => new DynamoImageStore(db, tableName());
export const cursors = () => cursorCodec(required(env, ENV.cursorKey));
