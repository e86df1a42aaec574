import { claimNamesFrom } from '../config.ts';
import { BuildReads } from '../domain/build-reads.ts';
import { ImageCatalog } from '../domain/catalog.ts';
import { apiHandler } from '../http/api-handler.ts';
import { catalogReaderOperations } from '../http/function-operations.ts';
import { buildStore, cursors, env, imageStore } from './aws-wiring.ts';

const images = imageStore();
const catalog = new ImageCatalog({ store: images, cursors: cursors() });
const builds = new BuildReads({ images, builds: buildStore(), cursors: cursors() });

export const handler = apiHandler('catalogReader', catalogReaderOperations({ catalog, builds }), { claims: claimNamesFrom(env) });
