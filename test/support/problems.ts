/** Assertions on the contract's error bodies: RFC 9457 problem+json, with JSON Pointer field errors for 422. */
import { expect } from '@jest/globals';
import type { Reply } from './local-api.ts';

/** Asserts the reply is a problem+json with the given status, and returns its body. */
export function expectProblem(reply: Reply, status: number) {
  expect({ status: reply.status, contentType: reply.headers.get('content-type') }).toEqual({ status, contentType: 'application/problem+json' });
  expect(reply.body).toEqual(expect.objectContaining({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) }));
  if (status === 422) {
    expect(reply.body.errors).toEqual(expect.arrayContaining([{ path: expect.any(String), message: expect.any(String) }]));
    expect(reply.body.errors.length).toBeGreaterThan(0);
  }
  return reply.body as { type: string; title: string; status: number; detail: string; errors?: { path: string; message: string }[] };
}

/** Asserts a 422 whose errors name exactly these JSON Pointer paths (in any order). */
export function expectInvalid(reply: Reply, ...paths: string[]) {
  const body = expectProblem(reply, 422);
  expect(body.errors!.map((e) => e.path).sort()).toEqual([...paths].sort());
  return body;
}
