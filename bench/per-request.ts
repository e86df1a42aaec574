/**
 * Per-request cost: the warm catalog handlers (as the Lambda entries wire them, in-process, on an
 * in-memory dynalite) beside the raw SDK sending the same DynamoDB commands in the same run. The
 * commands are recorded from the handler's own request and replayed; handler overhead is handler
 * time minus raw time, paired per iteration. Round trips are counted by a middleware on the client.
 */
import {
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type DynamoDBClient,
  type GetItemCommandInput,
  type PutItemCommandInput,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { ApiEvent } from '../lambdas/http/api-handler.ts';
import { groupScope, SYSTEM } from '../lambdas/domain/scope.ts';
import { apiEvent, lambdaContext, type Caller } from './api-events.ts';
import { startCatalogFunctions, withQuietStdout, type CatalogFunctions, type Handler } from './catalog-functions.ts';
import { totals, type SentCommand } from './dynamo-recorder.ts';
import { RARE_KEYWORD, seedImages } from './seed.ts';
import { round, summarize, type Summary } from './stats.ts';

export const OVERHEAD_BUDGET_MS = 1;
export const ROUND_TRIP_BUDGET = 2;

const GROUP = 'team-a';
const MEMBER: Caller = { sub: 'mel', groups: [GROUP] };
const ADMIN: Caller = { sub: 'ada', groups: [GROUP], adminGroups: [GROUP] };

export interface Scenario {
  name: string;
  /** The request, as the route and query the portal sends. */
  request: string;
  fn: 'reader' | 'writer';
  status: number;
  event(i: number): ApiEvent;
  /** The raw SDK commands doing the same DynamoDB work as iteration i (from the recorded ones). */
  rawCommands(i: number, recorded: readonly SentCommand[]): { name: string; input: Record<string, unknown> }[];
}

const replay = (_i: number, recorded: readonly SentCommand[]) => recorded.map((c) => ({ name: c.name, input: c.input! }));

const createGroup = (i: number) => `bench-create-${Math.floor(i / 50)}`;

export function scenarios(getName: string, groupSize: number): Scenario[] {
  const route = '/groups/{group}/images';
  return [
    {
      name: 'get',
      request: 'GET /groups/{group}/images/{name}',
      fn: 'reader',
      status: 200,
      event: () => apiEvent({ method: 'GET', route: `${route}/{name}`, params: { group: GROUP, name: getName }, caller: MEMBER }),
      rawCommands: replay,
    },
    {
      name: 'list',
      request: `GET /groups/{group}/images (page of 20, group of ${groupSize})`,
      fn: 'reader',
      status: 200,
      event: () => apiEvent({ method: 'GET', route, params: { group: GROUP }, caller: MEMBER }),
      rawCommands: replay,
    },
    {
      name: 'search',
      request: `GET /groups/{group}/images?q=${RARE_KEYWORD} (3 of ${groupSize} match)`,
      fn: 'reader',
      status: 200,
      event: () => apiEvent({ method: 'GET', route, params: { group: GROUP }, query: { q: RARE_KEYWORD }, caller: MEMBER }),
      rawCommands: replay,
    },
    {
      name: 'selection',
      request: 'GET /groups/{group}/image-selection?type=cpu',
      fn: 'reader',
      status: 200,
      event: () => apiEvent({ method: 'GET', route: '/groups/{group}/image-selection', params: { group: GROUP }, query: { type: 'cpu' }, caller: MEMBER }),
      rawCommands: replay,
    },
    {
      name: 'create',
      request: 'POST /groups/{group}/images (an existing image by url)',
      fn: 'writer',
      status: 201,
      event: (i) =>
        apiEvent({
          method: 'POST',
          route,
          params: { group: createGroup(i) },
          body: { displayName: `created.${i}`, description: 'Python 3.12 for the team', type: 'cpu', url: 'registry.example.com/data-science/notebook:2025.01' },
          caller: { ...ADMIN, adminGroups: [createGroup(i)] },
        }),
      // The same quota count and conditional insert, in the iteration's group, under a name of its own.
      rawCommands: (i, recorded) =>
        recorded.map((c) => {
          const input = structuredClone(c.input!);
          const pk: AttributeValue = { S: `G#${createGroup(i)}` };
          if (c.name === 'QueryCommand') (input.ExpressionAttributeValues as Record<string, AttributeValue>)[':pk'] = pk;
          if (c.name === 'PutItemCommand') {
            const item = input.Item as Record<string, AttributeValue>;
            Object.assign(item, { pk, sk: { S: `IMG#raw-${i}` }, name: { S: `raw-${i}` }, group: { S: createGroup(i) } });
          }
          return { name: c.name, input };
        }),
    },
  ];
}

/** The recorded command again, from its input. */
function commandOf(name: string, input: Record<string, unknown>) {
  switch (name) {
    case 'GetItemCommand':
      return new GetItemCommand(input as unknown as GetItemCommandInput);
    case 'QueryCommand':
      return new QueryCommand(input as unknown as QueryCommandInput);
    case 'PutItemCommand':
      return new PutItemCommand(input as unknown as PutItemCommandInput);
    default:
      throw new Error(`the raw replay has no ${name}`);
  }
}

export async function sendRaw(client: DynamoDBClient, commands: readonly { name: string; input: Record<string, unknown> }[]): Promise<void> {
  // One at a time, as the handler sends them.
  for (const { name, input } of commands) await client.send(commandOf(name, input) as GetItemCommand);
}

export interface ScenarioResult {
  name: string;
  request: string;
  handlerMs: Summary;
  rawMs: Summary;
  /** handler - raw, per iteration. */
  overheadMs: Summary;
  roundTrips: { max: number; commands: string };
  overheadBudgetMet: boolean;
  roundTripBudgetMet: boolean;
}

export interface PerRequestResult {
  method: string;
  runs: number;
  warmup: number;
  groupSize: number;
  budget: string;
  scenarios: ScenarioResult[];
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await action();
  return performance.now() - t0;
}

/** Times one scenario: a recorded pass, then handler and raw alternately (which goes first alternates too). */
export async function measureScenario(f: CatalogFunctions, scenario: Scenario, runs: number, warmup: number): Promise<ScenarioResult> {
  const handler: Handler = scenario.fn === 'reader' ? f.reader : f.writer;
  const call = async (i: number) => {
    const result = await handler(scenario.event(i), lambdaContext(scenario.fn));
    if (result.statusCode !== scenario.status) throw new Error(`${scenario.name} answered ${result.statusCode}, not ${scenario.status}: ${result.body}`);
  };
  f.recorder.copyInputs = true;
  const { sent: recorded } = await f.recorder.during(() => call(-1));
  f.recorder.copyInputs = false;

  const handlerMs: number[] = [];
  const rawMs: number[] = [];
  const overheadMs: number[] = [];
  let maxTrips = 0;
  let commands = totals(recorded).commands;
  for (let i = 0; i < warmup + runs; i++) {
    const raw = scenario.rawCommands(i, recorded);
    const runHandler = async () => {
      const { result, sent } = await f.recorder.during(() => timed(() => call(i)));
      if (i >= warmup && sent.length >= maxTrips) {
        maxTrips = sent.length;
        commands = totals(sent).commands;
      }
      return result;
    };
    const runRaw = () => timed(() => sendRaw(f.dynamo.client, raw));
    let h: number, r: number;
    if (i % 2 === 0) {
      h = await runHandler();
      r = await runRaw();
    } else {
      r = await runRaw();
      h = await runHandler();
    }
    if (i < warmup) continue;
    handlerMs.push(h);
    rawMs.push(r);
    overheadMs.push(h - r);
  }
  const overhead = summarize(overheadMs);
  return {
    name: scenario.name,
    request: scenario.request,
    handlerMs: summarize(handlerMs),
    rawMs: summarize(rawMs),
    overheadMs: overhead,
    roundTrips: { max: maxTrips, commands },
    overheadBudgetMet: overhead.median <= OVERHEAD_BUDGET_MS,
    roundTripBudgetMet: maxTrips <= ROUND_TRIP_BUDGET,
  };
}

export interface PerRequestOptions {
  runs: number;
  warmup?: number;
  groupSize?: number;
  only?: readonly string[];
}

export async function measurePerRequest(options: PerRequestOptions): Promise<PerRequestResult> {
  const warmup = options.warmup ?? Math.max(5, Math.round(options.runs / 5));
  const groupSize = options.groupSize ?? 100;
  const f = await startCatalogFunctions();
  try {
    const images = await seedImages(f.dynamo.client, f.table, groupScope(GROUP), groupSize);
    await seedImages(f.dynamo.client, f.table, SYSTEM, 20);
    const results: ScenarioResult[] = [];
    await withQuietStdout(async () => {
      for (const s of scenarios(images[Math.floor(groupSize / 2)]!.name, groupSize)) {
        if (options.only && !options.only.includes(s.name)) continue;
        results.push(await measureScenario(f, s, options.runs, warmup));
      }
    });
    return {
      method:
        'In-process, warm: the catalog functions wired as their Lambda entries (apiHandler + operations + DynamoDB stores) on an in-memory dynalite over loopback HTTP; ' +
        'API Gateway v2 events with flattened JWT claims. Each iteration times the handler and the raw SDK sending the same DynamoDB commands ' +
        '(recorded from the handler, replayed with the same client), alternating which goes first; overhead = handler - raw, paired per iteration. ' +
        `Round trips counted by a client middleware. ${warmup} warm-up iterations first. Request log lines are built but not written.`,
      runs: options.runs,
      warmup,
      groupSize,
      budget: `median overhead <= ${OVERHEAD_BUDGET_MS} ms; round trips <= ${ROUND_TRIP_BUDGET}`,
      scenarios: results,
    };
  } finally {
    await f.close();
  }
}

export const describeOverhead = (s: ScenarioResult) => `${round(s.overheadMs.median)} ms`;
