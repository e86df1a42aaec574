/**
 * The AWS adapters the functions build from their environment, created once per container. Each
 * entry imports only what it uses, so a bundle holds only the SDK clients its function needs.
 */
import { DEFAULT_STUCK_BUILD_MINUTES, ENV, positiveInt, required } from '../config.ts';
import { cursorCodec } from '../domain/cursor.ts';
import { dynamoClient } from '../store/dynamo.ts';
import { DynamoImageStore } from '../store/dynamo-image-store.ts';
import { DynamoBuildStore } from '../store/dynamo-build-store.ts';
import { DynamoSecretReferences } from '../store/secret-references.ts';
import { ImageScans } from '../domain/image-scans.ts';
import { DynamoImageScans } from '../store/dynamo-image-scans.ts';

export const env = process.env;

const db = dynamoClient();
export const imageStore = () => new DynamoImageStore(db, required(env, ENV.tableName));
export const buildStore = () => new DynamoBuildStore(db, required(env, ENV.tableName));
export const secretReferences = () => new DynamoSecretReferences(db, required(env, ENV.tableName));
/** Issue 18: scan results on the builds. */
export const imageScans = () => new ImageScans(new DynamoImageScans(db, required(env, ENV.tableName)));
export const cursors = () => cursorCodec(required(env, ENV.cursorKey));
export const stuckBuildMinutes = () => positiveInt(env, ENV.stuckBuildMinutes, DEFAULT_STUCK_BUILD_MINUTES);
