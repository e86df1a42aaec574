/**
 * How long a test may take, and how long it waits for something, before calling it a hang. These
 * only turn a hang into a failure: no assertion depends on speed. So they are as generous as a
 * machine shared by several test runs needs (measured: suites ran 3-5 times longer at a load of 15 on
 * 2 cores, and 60-second limits failed there).
 */

/** jest's testTimeout (jest.config.js says the same); suites that pass a timeout pass this one. */
export const TEST_TIMEOUT_MS = 10 * 60_000;

/** Waits inside a test give up before jest does, so that the failure names what was awaited. */
export const WAIT_DEADLINE_MS = TEST_TIMEOUT_MS / 2;
