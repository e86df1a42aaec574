/**
 * The build's state machine, as data the code runs on (docs/design.md draws it):
 *
 *   queued -> building -> succeeded | failed | cancelled
 *   queued -> succeeded (an identical build's image reused) | failed (never started) | cancelled
 *
 * A terminal status is written once; within an unfinished status the phase only advances. The
 * store's conditional writes and the service's checks both read these tables, so the rules have
 * one home. Phases are the service's own words; builders map theirs (lambdas/aws/codebuild-phases.ts).
 */
import type { BuildStatus } from './image.ts';

export type { BuildStatus };

/** Where a build can go from each status: nowhere from a terminal one. */
export const TRANSITIONS: Readonly<Record<BuildStatus, readonly BuildStatus[]>> = {
  queued: ['building', 'succeeded', 'failed', 'cancelled'],
  building: ['succeeded', 'failed', 'cancelled'],
  succeeded: [],
  failed: [],
  cancelled: [],
};

export const BUILD_STATUSES = Object.keys(TRANSITIONS) as BuildStatus[];
export const TERMINAL: readonly BuildStatus[] = BUILD_STATUSES.filter((s) => TRANSITIONS[s].length === 0);
export const isTerminal = (s: BuildStatus) => TERMINAL.includes(s);

/**
 * Where a running build is, in words a group admin understands, in the order a build goes through
 * them: waiting for a build host; starting it, logging in and pulling the base image; installing the
 * packages into the image; pushing the image; recording the result.
 */
export const BUILD_PHASES = ['queued', 'preparing', 'building', 'pushing', 'finishing'] as const;
export type BuildPhase = (typeof BUILD_PHASES)[number];
export const isBuildPhase = (value: unknown): value is BuildPhase => BUILD_PHASES.includes(value as BuildPhase);

/** How many moves the longest way to the status takes, through TRANSITIONS (queued: none). */
const movesTo = (status: BuildStatus): number =>
  Math.max(0, ...BUILD_STATUSES.filter((from) => TRANSITIONS[from].includes(status)).map((from) => movesTo(from) + 1));

/**
 * A status's rank: a move is allowed exactly when it goes to a higher rank (the TRANSITIONS table,
 * as a number a DynamoDB condition can compare: queued 0, building 1, the terminal ones 2). Derived
 * from the table, and checked against it by its test.
 */
export const STATUS_RANK = Object.fromEntries(BUILD_STATUSES.map((s) => [s, movesTo(s)])) as Readonly<Record<BuildStatus, number>>;
export const phaseRank = (phase: BuildPhase | null | undefined) => (phase == null ? -1 : BUILD_PHASES.indexOf(phase));

/** Whether the status may move from `from` to `to` (a terminal status is written once). */
export const canMove = (from: BuildStatus, to: BuildStatus) => TRANSITIONS[from].includes(to);

/**
 * Whether a report moves a build forward: to a status the table allows, or, within the same
 * unfinished status, to a later phase. Anything else (a duplicate, a late or out-of-order report)
 * changes nothing.
 */
export function isForward(current: { status: BuildStatus; phase: BuildPhase | null }, next: { status: BuildStatus; phase?: BuildPhase }): boolean {
  if (next.status !== current.status) return canMove(current.status, next.status);
  return !isTerminal(current.status) && next.phase !== undefined && phaseRank(current.phase) < phaseRank(next.phase);
}
