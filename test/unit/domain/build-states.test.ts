/**
 * The build's state machine (lambdas/domain/build-states.ts): every status transition, allowed or
 * refused, and the phase order. The store's conditional writes compare the ranks derived from it, so
 * the ranks are checked against the table too.
 */
import { describe, expect, it } from '@jest/globals';
import {
  BUILD_PHASES,
  BUILD_STATUSES,
  canMove,
  isForward,
  isTerminal,
  phaseRank,
  STATUS_RANK,
  type BuildPhase,
  type BuildStatus,
} from '../../../lambdas/domain/build-states.ts';

const ALLOWED: [BuildStatus, BuildStatus][] = [
  ['queued', 'building'],
  ['queued', 'succeeded'],
  ['queued', 'failed'],
  ['queued', 'cancelled'],
  ['building', 'succeeded'],
  ['building', 'failed'],
  ['building', 'cancelled'],
];
const allowed = new Set(ALLOWED.map(([a, b]) => `${a}->${b}`));
const EVERY_PAIR = BUILD_STATUSES.flatMap((from) => BUILD_STATUSES.map((to) => [from, to] as [BuildStatus, BuildStatus]));
const REFUSED = EVERY_PAIR.filter(([a, b]) => !allowed.has(`${a}->${b}`));

describe('the status transitions', () => {
  it('knows the five statuses, three of them terminal', () => {
    expect(BUILD_STATUSES).toEqual(['queued', 'building', 'succeeded', 'failed', 'cancelled']);
    expect(BUILD_STATUSES.filter(isTerminal)).toEqual(['succeeded', 'failed', 'cancelled']);
  });

  it.each(ALLOWED)('allows %s -> %s', (from, to) => {
    expect(canMove(from, to)).toBe(true);
    expect(isForward({ status: from, phase: null }, { status: to })).toBe(true);
  });

  it.each(REFUSED)('refuses %s -> %s', (from, to) => {
    expect(canMove(from, to)).toBe(false);
    expect(isForward({ status: from, phase: 'building' }, { status: to })).toBe(false);
  });

  it('covers every pair of statuses: 7 allowed, 18 refused', () => {
    expect(ALLOWED.length + REFUSED.length).toBe(25);
    expect(REFUSED).toHaveLength(18);
  });

  it.each(EVERY_PAIR)('ranks %s below %s exactly when the move is allowed (what the store conditions on)', (from, to) => {
    expect(STATUS_RANK[from] < STATUS_RANK[to]).toBe(canMove(from, to));
  });
});

describe('the phases', () => {
  it("are the service's own words, in the order a build goes through them", () => {
    expect(BUILD_PHASES).toEqual(['queued', 'preparing', 'building', 'pushing', 'finishing']);
    expect(BUILD_PHASES.map(phaseRank)).toEqual([0, 1, 2, 3, 4]);
    expect(phaseRank(null)).toBeLessThan(phaseRank('queued'));
  });

  const PHASE_PAIRS = BUILD_PHASES.flatMap((from) => BUILD_PHASES.map((to) => [from, to] as [BuildPhase, BuildPhase]));

  it.each(PHASE_PAIRS)('within building, moves %s -> %s only forward', (from, to) => {
    expect(isForward({ status: 'building', phase: from }, { status: 'building', phase: to })).toBe(phaseRank(from) < phaseRank(to));
  });

  it('takes a first phase on a build that has none yet, and nothing without a phase as news', () => {
    expect(isForward({ status: 'building', phase: null }, { status: 'building', phase: 'queued' })).toBe(true);
    expect(isForward({ status: 'building', phase: 'preparing' }, { status: 'building' })).toBe(false);
  });

  it.each(['succeeded', 'failed', 'cancelled'] as const)('never moves the phase of a %s build: its terminal status was written once', (status) => {
    expect(isForward({ status, phase: 'queued' }, { status, phase: 'finishing' })).toBe(false);
  });
});
