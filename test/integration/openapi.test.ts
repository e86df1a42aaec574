/**
 * The OpenAPI document as the local server serves it, the typed client example run against the
 * server, and the contract check every integration test runs (test/support/contract.ts) shown to
 * refuse what breaks the document.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { example } from '../../client/example.ts';
import { theContract } from '../support/contract.ts';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api.stop());

describe('GET /openapi.json', () => {
  it('serves the checked-in document without a token', async () => {
    // Prepare
    const checkedIn = JSON.parse(await readFile(new URL('../../client/generated/openapi.json', import.meta.url), 'utf8'));

    // Act
    const reply = await api.call('GET', '/openapi.json');

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/json');
    expect(reply.body).toEqual(checkedIn);
  });
});

describe('the typed client example', () => {
  it("adds an image as a group admin and finds it in a member's selection", async () => {
    // Prepare
    const [admin, member] = await Promise.all([
      api.token({ sub: 'ada', groups: ['team-a'], adminGroups: ['team-a'] }),
      api.token({ sub: 'mel', groups: ['team-a'] }),
    ]);

    // Act
    const lines = await example(api.server.url, admin, member);

    // Assess
    expect(lines).toEqual(['pytorch-2.3 (group): registry.example.com/ml/pytorch:2.3.0-cuda12.1']);
  });
});

describe('the contract check', () => {
  const json = (contentType: string) => new Headers({ 'content-type': contentType });
  const image = {
    name: 'torch-ab12c',
    displayName: 'torch',
    description: null,
    scope: 'system',
    group: null,
    type: 'cpu',
    url: 'python:3.12',
    urlForGpu: null,
    pullSecret: null,
    ready: true,
    source: 'existing',
    buildSpec: null,
    latestBuild: null,
    createdAt: '2026-01-02T03:04:05.000Z',
    updatedAt: '2026-01-02T03:04:05.000Z',
    createdBy: 'ada',
    updatedBy: 'ada',
  };

  it('accepts a response the document describes', () => {
    // Act
    const violations = theContract().violations('GET', '/images/torch-ab12c', {
      status: 200,
      headers: new Headers({ 'content-type': 'application/json', etag: '"v1"' }),
      body: image,
    });

    // Assess
    expect(violations).toEqual([]);
  });

  it('refuses a status the operation does not document', () => {
    // Act
    const violations = theContract().violations('GET', '/images/torch-ab12c', { status: 409, headers: json('application/problem+json'), body: {} });

    // Assess
    expect(violations).toEqual([expect.stringContaining('systemGetImage (GET /images/{name}) does not document status 409')]);
  });

  it('refuses a body that breaks the schema, and a missing required header', () => {
    // Act
    const violations = theContract().violations('GET', '/images/torch-ab12c?x=1', {
      status: 200,
      headers: json('application/json'),
      body: { ...image, ready: 'yes', version: 3 },
    });

    // Assess
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.stringContaining('lacks the required header ETag'),
        expect.stringContaining('body/ready must be boolean'),
        expect.stringContaining('must NOT have additional properties: "version"'),
      ]),
    );
  });

  it('refuses a problem whose status is not the HTTP status, or that is not problem+json', () => {
    // Act
    const wrongStatus = theContract().violations('DELETE', '/secrets/gone', {
      status: 404,
      headers: json('application/problem+json'),
      body: { type: 't', title: 'Not found', status: 400, detail: 'd' },
    });
    const plainJson = theContract().violations('DELETE', '/secrets/gone', {
      status: 404,
      headers: json('application/json'),
      body: { type: 't', title: 'Not found', status: 404, detail: 'd' },
    });

    // Assess
    expect(wrongStatus).toEqual([expect.stringContaining('status 400 is not the HTTP status 404')]);
    expect(plainJson).toEqual([expect.stringContaining('the document says application/problem+json')]);
  });

  it('expects a 404 problem where no route is, and a 405 where the route has no such method', () => {
    // Act
    const noRoute = theContract().violations('GET', '/nowhere', { status: 200, headers: json('application/json'), body: {} });
    const noMethod = theContract().violations('PUT', '/health', {
      status: 405,
      headers: json('application/problem+json'),
      body: { type: 't', title: 'Method not allowed', status: 405, detail: 'd' },
    });

    // Assess
    expect(noRoute).toEqual([expect.stringContaining('expected a 404 problem, got 200')]);
    expect(noMethod).toEqual([]);
  });
});
