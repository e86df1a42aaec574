/**
 * A build of a custom image. The rules its status and phase follow are in build-states.ts.
 */
import type { LatestBuild, StoredBuildSpec } from './image.ts';
import type { BuildPhase, BuildStatus } from './build-states.ts';
import type { BuildFacts } from './build-facts.ts';
import { vulnerabilitiesNote, type Vulnerabilities } from './image-scans.ts';

export type { BuildPhase, BuildStatus };
export { isTerminal, phaseRank, STATUS_RANK, TERMINAL } from './build-states.ts';

export interface BuildRecord {
  id: string;
  image: string;
  group: string | null;
  status: BuildStatus;
  /** Where the build is (build-states.ts); null before the builder reports. */
  phase: BuildPhase | null;
  spec: StoredBuildSpec;
  specHash: string;
  /** Where the image is pushed: content-addressed, known before the build runs. */
  targetUrl: string;
  /** The produced image, set on success. */
  imageUrl: string | null;
  reused: boolean;
  /** The identical build this one waits for instead of building again. */
  reusedFrom: string | null;
  failureReason: string | null;
  /** Local mode without a container CLI: everything rendered and checked, nothing built. */
  dryRun: boolean;
  /** The builder's id for this build (a CodeBuild build ARN, or a local run id). */
  builderId: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  createdBy: string;
  /** Issue 18: what the built image is and holds (build-facts.ts); absent until a build reports them. */
  facts?: BuildFacts | null;
  /** Issue 18: the newest scan result of the image (image-scans.ts); absent until one lands. */
  vulnerabilities?: Vulnerabilities | null;
}

export type Build = Omit<BuildRecord, 'specHash' | 'targetUrl' | 'builderId' | 'reusedFrom' | 'group' | 'image' | 'facts' | 'vulnerabilities'> & {
  image: string;
  facts: BuildFacts | null;
  vulnerabilities: Vulnerabilities | null;
  vulnerabilitiesNote: string | null;
};

export function toBuild(r: BuildRecord): Build {
  const { specHash: _h, targetUrl: _t, builderId: _b, reusedFrom: _r, group: _g, facts, vulnerabilities, ...fields } = r;
  return { ...fields, facts: facts ?? null, vulnerabilities: vulnerabilities ?? null, vulnerabilitiesNote: vulnerabilitiesNote(r) };
}

/** What a new build needs to be recorded; everything else starts empty. */
export type NewBuild = Pick<BuildRecord, 'id' | 'image' | 'group' | 'spec' | 'specHash' | 'targetUrl' | 'createdAt' | 'createdBy'>;

/** A build as it is recorded before anything starts: queued, nothing known yet. */
export function queuedBuild(fields: NewBuild): BuildRecord {
  return {
    ...fields,
    status: 'queued',
    phase: null,
    imageUrl: null,
    reused: false,
    reusedFrom: null,
    failureReason: null,
    dryRun: false,
    builderId: null,
    startedAt: null,
    finishedAt: null,
  };
}

/** What the image keeps of its latest build. */
export const latestOf = (b: BuildRecord): LatestBuild => ({ id: b.id, status: b.status, createdAt: b.createdAt, finishedAt: b.finishedAt });

/** Time-sortable build ids: newest-first listing is a reverse key order. */
export function newBuildId(now: Date, random: () => string): string {
  return `b${now.getTime().toString(36).padStart(9, '0')}${random()}`;
}

/** What a builder reports about a build, whatever the builder. */
export interface BuildProgress {
  status?: BuildStatus;
  phase?: BuildPhase;
  failureReason?: string;
  at: string;
}
