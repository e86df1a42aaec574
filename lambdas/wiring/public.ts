/**
 * The public function: health and the OpenAPI document. Imports only the public operations, so its
 * bundle holds neither the other operations nor their schemas.
 */
import { apiHandler } from '../http/api-handler.ts';
import { publicOperations } from '../http/public-operations.ts';
import type { ClaimPorts } from './ports.ts';

export type PublicPorts = ClaimPorts;

export const publicFunction = (p: PublicPorts) => ({ handler: apiHandler('public', publicOperations(), { claims: p.claims }) });
