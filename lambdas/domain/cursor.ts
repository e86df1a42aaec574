/**
 * Opaque, tamper-evident pagination cursors. A cursor carries a position and is signed (HMAC-SHA256)
 * together with a binding: the list, scope and query that produced it. Replayed on another list,
 * scope or query, or altered, it is refused as a bad request.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { badRequest } from './errors.ts';

export interface CursorCodec {
  encode(binding: string, position: unknown): string;
  decode<P>(binding: string, cursor: string): P;
}

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');
const digest = (s: string) => createHash('sha256').update(s).digest('base64url').slice(0, 16);

export function cursorCodec(key: string | Buffer): CursorCodec {
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest();
  return {
    encode(binding, position) {
      const payload = b64(JSON.stringify({ b: digest(binding), p: position }));
      return `${payload}.${b64(sign(payload))}`;
    },
    decode<P>(binding: string, cursor: string): P {
      const [payload, signature, extra] = cursor.split('.');
      // Compared as text, not decoded bytes: base64url decoding ignores a last character's spare bits.
      const expected = Buffer.from(payload ? b64(sign(payload)) : '');
      const given = Buffer.from(signature ?? '');
      if (!payload || extra !== undefined || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw badRequest('the cursor is not valid: pass back the nextCursor of the previous page unchanged');
      }
      const { b, p } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { b: string; p: P };
      if (b !== digest(binding)) {
        throw badRequest('the cursor belongs to another list or query: start again without a cursor');
      }
      return p;
    },
  };
}
