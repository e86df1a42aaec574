import { claimNamesFrom } from '../config.ts';
import { apiHandler } from '../http/api-handler.ts';
import { publicOperations } from '../http/public-operations.ts';

export const handler = apiHandler('public', publicOperations(), { claims: claimNamesFrom(process.env) });
