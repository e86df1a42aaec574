/**
 * CORS as a browser portal meets it: a page served from another origin (a second tiny HTTP server on
 * a free port) calls the local server from headless Chromium (Debian's, driven by playwright-core).
 * The browser itself enforces CORS, so what the page can read is what a portal can read: the ETag
 * to send back in If-Match, Location, Retry-After on a 503, WWW-Authenticate on a 401, and requests
 * that carry authorization, content-type, if-match and x-correlation-id (which need a preflight).
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { startLocalApi, type LocalApi } from '../support/local-api.ts';
import { injectFaults, throttled } from '../support/sdk-faults.ts';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`cors-browser: skipped, ${CHROMIUM} is missing (apt-get install chromium)`);

(haveChromium ? describe : describe.skip)('a portal page on another origin, in headless Chromium', () => {
  let api: LocalApi;
  let pageServer: Server;
  let browser: Browser;
  let page: Page;
  let token: string;

  beforeAll(async () => {
    api = await startLocalApi();
    token = await api.token({ sub: 'ada', groups: ['team-a'], adminGroups: ['team-a'] });
    pageServer = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>portal</title><p>portal</p>');
    });
    pageServer.listen(0, '127.0.0.1');
    await once(pageServer, 'listening');
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(pageServer.address() as AddressInfo).port}/`);
  });

  afterAll(async () => {
    await browser?.close();
    pageServer?.close();
    await api?.stop();
  });

  /** Runs fetch in the page; returns what the page's code could read. */
  const fetchInPage = (url: string, init: { method?: string; headers?: Record<string, string>; body?: string }, read: string[]) =>
    page.evaluate(
      async ({ url, init, read }) => {
        try {
          const res = await fetch(url, init);
          return { status: res.status, headers: Object.fromEntries(read.map((h) => [h, res.headers.get(h)])), body: await res.text() };
        } catch (e) {
          return { error: String(e) };
        }
      },
      { url, init, read },
    );

  it('is on another origin than the API', async () => {
    expect(new URL(page.url()).origin).not.toBe(new URL(api.server.url).origin);
  });

  it('creates an image with every allowed request header and reads ETag and Location', async () => {
    const reply = await fetchInPage(
      `${api.server.url}/groups/team-a/images`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-correlation-id': 'portal-1', 'if-match': '*' },
        body: JSON.stringify({ displayName: 'cors', type: 'cpu', url: 'python:3.12' }),
      },
      ['etag', 'location'],
    );
    expect(reply).toMatchObject({ status: 201, headers: { etag: '"v1"', location: expect.stringMatching(/^\/groups\/team-a\/images\/cors-/) } });
  });

  it('edits with If-Match from the ETag it read', async () => {
    const created = await fetchInPage(
      `${api.server.url}/groups/team-a/images`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ displayName: 'cors-edit', type: 'cpu', url: 'python:3.12' }),
      },
      ['etag', 'location'],
    );
    const reply = await fetchInPage(
      `${api.server.url}${created.headers!.location}`,
      {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'if-match': created.headers!.etag! },
        body: JSON.stringify({ description: 'edited' }),
      },
      ['etag'],
    );
    expect(reply).toMatchObject({ status: 200, headers: { etag: '"v2"' } });
  });

  it('reads WWW-Authenticate on a 401', async () => {
    const reply = await fetchInPage(`${api.server.url}/groups/team-a/images`, {}, ['www-authenticate']);
    expect(reply).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer' } });
  });

  it('reads Retry-After on a 503', async () => {
    const faults = injectFaults(api.server.dynamo.client, 'before', (call) => (call.command === 'QueryCommand' ? throttled() : undefined));
    try {
      const reply = await fetchInPage(`${api.server.url}/groups/team-a/images`, { headers: { authorization: `Bearer ${token}` } }, ['retry-after']);
      expect(reply).toMatchObject({ status: 503, headers: { 'retry-after': expect.stringMatching(/^[0-9]+$/) } });
    } finally {
      faults.remove();
    }
  });
});
