import { claimNamesFrom } from '../config.ts';
import { ImageCatalog } from '../domain/catalog.ts';
import { apiHandler } from '../http/api-handler.ts';
import { catalogReaderOperations } from '../http/function-operations.ts';
import { cursors, imageStore } from './aws-wiring.ts';

const catalog = new ImageCatalog({ store: imageStore(), cursors: cursors() });

export const handler = apiHandler('catalogReader', catalogReaderOperations({ catalog }), { claims: claimNamesFrom(process.env) });
