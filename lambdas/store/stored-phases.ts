/**
 * A build's phase as stored. Items written before issue 19 hold CodeBuild's phase names (the service
 * spoke CodeBuild's words then): they are read in the service's words, so existing builds still read.
 * Their `phaseRank` was CodeBuild's order (0..10); ranks written since start at PHASE_RANK_BASE, so
 * the first report in the service's words moves such a build on (its conditional write compares ranks).
 * The old names are read with the CodeBuild adapter's own mapping: one table of what they mean.
 */
import { phaseOf } from '../aws/codebuild-phases.ts';
import { isBuildPhase, phaseRank, type BuildPhase } from '../domain/build-states.ts';

const PHASE_RANK_BASE = 100;

/** The `phaseRank` stored with a phase: the state machine's order, above every rank stored before issue 19. */
export const storedPhaseRank = (phase: BuildPhase | null | undefined) => PHASE_RANK_BASE + phaseRank(phase);

/** The stored phase in the service's words; null when none was recorded (or it is not one we know). */
export function storedPhase(value: unknown): BuildPhase | null {
  if (isBuildPhase(value)) return value;
  return typeof value === 'string' ? (phaseOf(value) ?? null) : null;
}
