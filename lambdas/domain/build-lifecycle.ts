/**
 * The build lifecycle, in one place: record a build (a custom image's first one, or a rebuild), with
 * the group's build quota decided here; start it, or reuse an identical spec's build; apply what the
 * builder reports; settle it (the image, the builds waiting for it, the quota place, the outcome
 * event); and reconcile builds whose reports were lost. The state machine it follows is
 * build-states.ts. Knows nothing of CodeBuild or HTTP: the builder, the log reader and the registry
 * are ports.
 *
 * Three classes, so that each function is wired with what it uses, every dependency required by type:
 * BuildReports (the build-events function: apply and settle), BuildLifecycle (the writer: record,
 * start, reuse, cancel) and BuildReconciler (the scheduled reconciler).
 *
 * A create with a build, end to end: the catalog asks `firstBuildOf` for the build's plan (the spec
 * normalised once, the record, the quota), stores the image and the build in its one transaction, then
 * hands the stored build back to `startFirstBuild`. Nothing is taken back on a failure after that: the
 * build is failed (or reconciled), which settles the image and frees the quota place.
 */
import { buildSpecHash, imageTagFor, normaliseBuildSpec, requireBuildSpec, type BuildSpec } from './build-spec.ts';
import { renderBuildContext, TEMPLATE_VERSION } from '../builds/build-context.ts';
import { latestOf, newBuildId, queuedBuild, toBuild, type Build, type BuildProgress, type BuildRecord } from './build.ts';
import { isTerminal } from './build-states.ts';
import type { BuildStore, ImageBuildLink, SpecClaim } from './build-store.ts';
import type { Builder, BuildLogReader, ImageRegistry } from './builder.ts';
import { TenantReferences, type OwnImages, type PullSecretDirectory } from './tenant-references.ts';
import { outcomeOf, type BuildOutcomePublisher } from './build-outcomes.ts';
import type { BuildMetrics } from './build-metrics.ts';
import { conflict, DomainError, invalidField, quotaReached, unavailable } from './errors.ts';
import { lockedSpecFrom } from './locked-rebuild.ts';
import type { ImageStore } from './image-store.ts';
import { randomNameSuffix, type ImageRecord, type StoredBuildSpec } from './image.ts';
import type { Principal } from './principal.ts';
import { scopeKey, type Scope } from './scope.ts';
import { dryRunHonest } from './dry-run.ts';
import { withFacts } from './build-facts.ts';
import type { ImageScans } from './image-scans.ts';
import { imageNotFound, requireBuild, requireImage } from './required-records.ts';

/** A rebuild: a new spec, or neither to build the current spec again (or, issue 18, the spec of one of its builds pinned to its lock). */
export interface RebuildCommand {
  build?: BuildSpec;
  lockedFrom?: string;
}

/** What a builder reports, and what the lifecycle itself reports on a build (reuse, dry runs). */
export type Report = BuildProgress & { imageUrl?: string | null; reused?: boolean; dryRun?: boolean };

// ---------------------------------------------------------------------------------------------
// Report and settle

export interface BuildReportsDependencies {
  images: ImageStore & ImageBuildLink;
  builds: BuildStore;
  /** A failed build's last words and a succeeded build's facts; null in a function that reads no build log (its builds only fail to start or reuse another's image). */
  logs: BuildLogReader | null;
  /** Where "Image Build Succeeded / Failed / Cancelled" go; null: announced nowhere (tests, benches). */
  outcomes: BuildOutcomePublisher | null;
  metrics: BuildMetrics | null;
  /** Issue 18: scan results reach the builds; null where nothing is scanned (local mode). */
  scans: ImageScans | null;
  now?: () => Date;
}

/** Applies what builders report about builds, and settles the builds that finished. */
export class BuildReports {
  private readonly now: () => Date;

  constructor(private readonly deps: BuildReportsDependencies) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * A builder's report about one of our builds (an EventBridge event, or the local runner). Only
   * applied when the builder's id matches the one recorded (or none is recorded yet: the event can
   * overtake StartBuild's answer).
   */
  async report(
    ref: { scope: Scope; image: string; buildId: string },
    builderId: string,
    progress: BuildProgress,
  ): Promise<'applied' | 'no-op' | 'unknown-build' | 'other-builder'> {
    const build = await this.deps.builds.get(ref.scope, ref.image, ref.buildId);
    if (!build) return 'unknown-build';
    if (build.builderId !== null && build.builderId !== builderId) return 'other-builder';
    return (await this.apply(ref.scope, build, progress)) ? 'applied' : 'no-op';
  }

  /**
   * Applies a report. Only forward moves change anything (build-states.ts), so duplicated, late and
   * out-of-order reports are harmless. A leader's outcome settles the builds waiting for it.
   */
  async progress(scope: Scope, image: string, buildId: string, progress: Report): Promise<BuildRecord | undefined> {
    const current = await this.deps.builds.get(scope, image, buildId);
    return current ? this.apply(scope, current, progress) : undefined;
  }

  /** `progress` for a build record just read (the caller's read serves: no second GetItem). */
  private async apply(scope: Scope, current: BuildRecord, progress: Report): Promise<BuildRecord | undefined> {
    const { image, id: buildId } = current;
    progress = dryRunHonest(current, progress); // issue 14: a dry run never yields an image
    const success = progress.status === 'succeeded';
    if (progress.status === 'failed' && current.builderId && !isTerminal(current.status)) {
      const said = await this.deps.logs?.lastFailure(current).catch(() => undefined);
      if (said) progress = { ...progress, failureReason: `${said} (${progress.failureReason ?? 'the build failed'})` };
    }
    const imageUrl = success ? (progress.imageUrl ?? current.targetUrl) : undefined;
    const status = progress.status ?? 'building';
    // A status change is told to the image in the same write (a later phase is not: the image shows no
    // phase), so a reader never sees the build and its image disagree.
    const tell =
      status !== current.status
        ? { latest: { id: buildId, status, createdAt: current.createdAt, finishedAt: isTerminal(status) ? progress.at : null }, url: imageUrl ?? null }
        : undefined;
    const cleanUrl = tell?.url ? await this.deps.images.prepareUrl(scope, image, tell.url) : undefined;
    // Issue 18: a build about to succeed keeps the facts it reported, written first so that they are
    // there as soon as it shows succeeded (and when its outcome is announced).
    if (success && !isTerminal(current.status)) await withFacts({ source: this.deps.logs ?? undefined, store: this.deps.builds }, scope, current, progress);
    const moved = await this.deps.builds.advance(scope, image, buildId, { ...progress, ...(success ? { imageUrl } : {}) }, tell);
    if (moved?.imageTold) await cleanUrl?.();
    const advanced = moved?.build;
    // Issue 18: a scan of its image that came first lands on it now (and so in its outcome event).
    const updated = advanced && this.deps.scans ? await this.deps.scans.buildSucceeded(scope, advanced) : advanced;
    if (!moved || !updated) {
      // Already there. If the report that got it there failed after the build's own write (the event
      // is then delivered again), the image and the builds waiting for this one were not told: tell
      // them now. Each of those writes is conditional, so a plain duplicate changes nothing.
      if (isTerminal(current.status)) await this.settle(scope, current, progress.at);
      return undefined;
    }
    // A later phase of an unfinished build: the image shows only its latest build's status, which stays.
    if (!isTerminal(updated.status) && updated.status === current.status) return updated;
    const outcome = outcomeOf(updated);
    await this.settle(scope, updated, progress.at, moved.imageTold, () => {
      if (!outcome) return;
      this.deps.metrics?.finished(updated);
      return this.deps.outcomes?.publish(outcome);
    });
    await this.deps.scans?.imageTold(scope, updated);
    return updated;
  }

  /** Tells the image (and, once it has finished, the identical builds waiting for it) where the build is. */
  async settle(scope: Scope, build: BuildRecord, at: string, imageTold = false, announce?: () => Promise<void> | void): Promise<void> {
    const success = build.status === 'succeeded';
    if (!imageTold) await this.deps.images.finishBuild(scope, build.image, latestOf(build), success ? build.imageUrl : null);
    await announce?.();
    if (!isTerminal(build.status)) return;
    if (!build.reused) {
      const claim = await this.deps.builds.settleSpec(scope, build.specHash, build.id, build.status as SpecClaim['status'], success ? build.imageUrl : null);
      for (const f of claim?.followers ?? []) {
        await this.progress(
          scope,
          f.image,
          f.buildId,
          success
            ? { status: 'succeeded', imageUrl: build.imageUrl, reused: true, at }
            : {
                status: 'failed',
                failureReason: `The identical build ${build.id} this build was waiting for ${build.status === 'cancelled' ? 'was cancelled' : 'failed'}. Rebuild to try again.`,
                at,
              },
        );
      }
    }
    // Everyone was told: the reconciler need not look at it again (until then, it does).
    await this.deps.builds.retire(scope, build.image, build.id);
  }

  /**
   * An image that looks busy with a build that has in fact finished (the write that should have told
   * it failed, and no report came again): tells it. True when the image was behind.
   */
  async catchUp(scope: Scope, image: ImageRecord): Promise<boolean> {
    const latest = image.latestBuild;
    if (!latest || isTerminal(latest.status)) return false;
    const build = await this.deps.builds.get(scope, image.name, latest.id);
    if (!build || !isTerminal(build.status)) return false;
    await this.settle(scope, build, this.now().toISOString());
    return true;
  }
}

// ---------------------------------------------------------------------------------------------
// Record, start, reuse, cancel

export type BuildLifecycleDependencies = BuildReportsDependencies & {
  builder: Builder;
  registry: ImageRegistry;
  /** A spec names a pull secret and a base image: both are checked against the scope. */
  secrets: PullSecretDirectory;
  /** The service's own repositories; null: no image is the service's own (benches, tests). */
  ownImages: OwnImages | null;
  /** Most builds one group may have queued or running at once (system builds are not limited); undefined: no limit. */
  maxConcurrentBuildsPerGroup: number | undefined;
  random?: () => string;
};

/** A new custom image's first build, as the lifecycle decided it: stored with the image in its one write. */
export interface FirstBuild {
  /** The spec, normalised: the image's spec too. */
  spec: StoredBuildSpec;
  /** The build's record under the image's name (the catalog may try a few names). */
  recordFor(image: string): BuildRecord;
  /** The group's build limit the write must fit in (system: none). */
  maxBuilds: number | undefined;
  /** The answer when the write found no build place left (429). */
  quotaReached(): DomainError;
}

export class BuildLifecycle {
  readonly reports: BuildReports;
  private readonly now: () => Date;
  private readonly random: () => string;
  private readonly references: TenantReferences;

  constructor(private readonly deps: BuildLifecycleDependencies) {
    this.reports = new BuildReports(deps);
    this.references = new TenantReferences({ secrets: deps.secrets, ownImages: deps.ownImages });
    this.now = deps.now ?? (() => new Date());
    this.random = deps.random ?? randomNameSuffix;
  }

  /** The first build of a new custom image (its references checked by the catalog with the image's). */
  firstBuildOf(principal: Principal, scope: Scope, spec: BuildSpec): FirstBuild {
    const normalised = normaliseBuildSpec(spec);
    return {
      spec: normalised,
      recordFor: (image) => this.record(principal, scope, image, normalised),
      maxBuilds: this.buildLimit(scope),
      quotaReached: () => this.buildQuotaReached(scope),
    };
  }

  /** Starts a first build once stored with its image; returns it as it now is. */
  startFirstBuild(scope: Scope, build: BuildRecord): Promise<BuildRecord> {
    return this.start(scope, build);
  }

  // Every method a request reaches takes a caller the HTTP edge has authorized for the scope
  // (lambdas/http/access.ts): the rules are domain/principal.ts's, checked once per request.

  /** POST .../builds: build the image again, with a new spec when one is given. */
  async rebuild(principal: Principal, scope: Scope, name: string, input: RebuildCommand): Promise<Build> {
    if (input.build !== undefined && input.lockedFrom !== undefined) invalidField(['lockedFrom'], 'give either build or lockedFrom, not both');
    if (input.build !== undefined) requireBuildSpec(input.build);
    let spec = input.build === undefined ? null : normaliseBuildSpec(input.build);
    const image = await requireImage(this.deps.images, scope, name);
    if (image.source !== 'build') throw conflict(`"${name}" uses an existing image; only custom images are built`);
    if (input.lockedFrom !== undefined) spec = await lockedSpecFrom(this.deps.builds, scope, name, input.lockedFrom);
    // The image's spec was normalised when it was stored.
    const effective = (spec ?? image.buildSpec)!;
    await this.references.require(scope, {
      secrets: [{ value: effective.pullSecret, field: ['build', 'pullSecret'] }],
      images: [{ value: effective.baseImage, field: ['build', 'baseImage'] }],
    });
    const build = this.record(principal, scope, name, effective);
    await this.begin(scope, image, build, spec);
    return toBuild(await this.start(scope, build));
  }

  async cancel(scope: Scope, name: string, buildId: string): Promise<Build> {
    const build = await requireBuild(this.deps.builds, scope, name, buildId);
    if (isTerminal(build.status)) throw conflict(`build ${buildId} already ${build.status}; only queued or running builds can be cancelled`);
    if (build.builderId && !build.reused) {
      try {
        await this.deps.builder.stop(build.builderId);
      } catch (e) {
        // Not recorded as cancelled: the build still runs. The caller can try again (503).
        if (e instanceof DomainError) throw e;
        throw unavailable(`the builder could not stop build ${buildId} right now (${(e as Error).message}); it is still running: try again in a moment`);
      }
    }
    const updated = await this.reports.progress(scope, name, buildId, { status: 'cancelled', at: this.now().toISOString() });
    return toBuild(updated ?? (await requireBuild(this.deps.builds, scope, name, buildId)));
  }

  /** Deleting an image stops its running build. */
  async stopBuildsOf(scope: Scope, image: ImageRecord): Promise<void> {
    const latest = image.latestBuild;
    if (!latest || isTerminal(latest.status)) return;
    const build = await this.deps.builds.get(scope, image.name, latest.id);
    if (!build || isTerminal(build.status)) return;
    if (build.builderId && !build.reused) {
      try {
        await this.deps.builder.stop(build.builderId);
      } catch {
        // The image is gone already; its build still runs and settles from its own events (or the reconciler).
        return;
      }
    }
    await this.reports.progress(scope, image.name, build.id, { status: 'cancelled', failureReason: undefined, at: this.now().toISOString() });
  }

  /** A new build's record: queued, its tag the hash of the scope and the (normalised) spec. */
  private record(principal: Principal, scope: Scope, image: string, spec: StoredBuildSpec): BuildRecord {
    const hash = buildSpecHash(scopeKey(scope), spec, TEMPLATE_VERSION);
    return queuedBuild({
      id: newBuildId(this.now(), this.random),
      image,
      group: scope.group,
      spec,
      specHash: hash,
      targetUrl: this.deps.registry.imageUrlFor(imageTagFor(hash)),
      createdAt: this.now().toISOString(),
      createdBy: principal.sub,
    });
  }

  /**
   * Stores a rebuild and points the image at it in one write: one build per image at a time (409), only
   * while the image exists (404), within the group's build limit (429) and with a spec whose pull secret
   * exists (422). Nothing is stored when refused.
   */
  private async begin(scope: Scope, image: ImageRecord, build: BuildRecord, spec: StoredBuildSpec | null): Promise<void> {
    const name = build.image;
    const point = (current: ImageRecord) => this.deps.images.beginBuild(scope, current, build, spec, this.buildLimit(scope));
    let begun = await point(image);
    if (!begun.ok && begun.reason === 'busy' && (await this.reports.catchUp(scope, begun.image))) {
      const now = await this.deps.images.get(scope, name);
      begun = now ? await point(now) : { ok: false, reason: 'missing' };
    }
    if (begun.ok) return;
    switch (begun.reason) {
      case 'busy':
        throw conflict(`build ${begun.image.latestBuild?.id} of "${name}" is still ${begun.image.latestBuild?.status}: cancel it or wait for it to finish`);
      case 'missing':
        throw imageNotFound(scope, name);
      case 'build-quota':
        throw this.buildQuotaReached(scope);
      case 'secret':
        return invalidField(['build', 'pullSecret'], `names no pull secret "${begun.secret}"`);
    }
  }

  /**
   * Starts a build stored with its image (the image points at it, its quota place is taken): claims its
   * spec and starts the builder, or reuses an identical build. Whatever fails after the build was stored
   * (a write, StartBuild, the function itself), the reconciler finds the unfinished build, settles it and
   * frees the image and the place.
   */
  private async start(scope: Scope, build: BuildRecord): Promise<BuildRecord> {
    const claim = await this.deps.builds.claimSpec(scope, build.specHash, { image: build.image, buildId: build.id });
    const launched = claim.claimed ? await this.launch(scope, build) : await this.reuse(scope, build, claim.claim);
    return launched ?? (await this.deps.builds.get(scope, build.image, build.id)) ?? build;
  }

  /** Starts the builder on the build; the build as it then is (undefined: read it). */
  private async launch(scope: Scope, build: BuildRecord): Promise<BuildRecord | undefined> {
    const { builder, registry } = this.deps;
    try {
      const { builderId, dryRun = false } = await builder.start({
        scope,
        build,
        files: renderBuildContext(build.spec).files,
        cacheRef: registry.cacheRefFor(scope),
        pullSecret: build.spec.pullSecret ?? null,
      });
      const started = await this.deps.builds.setBuilderId(scope, build.image, build.id, builderId, dryRun);
      this.deps.metrics?.started();
      // A cancel (or an image delete) that came while StartBuild was on its way had nothing to stop yet.
      if (started.status === 'cancelled') await builder.stop(builderId);
      return started;
    } catch (e) {
      return this.reports.progress(scope, build.image, build.id, {
        status: 'failed',
        failureReason: `The build could not be started: ${(e as Error).message}. Rebuild to try again.`,
        at: this.now().toISOString(),
      });
    }
  }

  /** An identical spec was built, or is being built, in this scope: use its result instead of building. */
  private async reuse(scope: Scope, build: BuildRecord, claim: SpecClaim): Promise<BuildRecord | undefined> {
    const at = this.now().toISOString();
    this.deps.metrics?.reused();
    if (claim.status === 'succeeded') {
      return this.reports.progress(scope, build.image, build.id, { status: 'succeeded', imageUrl: claim.imageUrl, reused: true, at });
    }
    const follower = { image: build.image, buildId: build.id };
    if (await this.deps.builds.follow(scope, claim.hash, claim.leader.buildId, follower)) {
      await this.deps.builds.markFollower(scope, build.image, build.id, claim.leader.buildId);
      return undefined;
    }
    // The leader finished between our claim and follow: claim again (it failed) or reuse (it succeeded).
    const again = await this.deps.builds.claimSpec(scope, claim.hash, follower);
    if (again.claimed) {
      return this.launch(scope, build);
    } else if (again.claim.status === 'succeeded') {
      return this.reuse(scope, build, again.claim);
    } else {
      return this.reports.progress(scope, build.image, build.id, {
        status: 'failed',
        failureReason: 'An identical build started at the same time could not be joined. Rebuild to try again.',
        at,
      });
    }
  }

  /** The most builds the scope may have queued or running (system builds are not limited). */
  private buildLimit(scope: Scope): number | undefined {
    return scope.group === null ? undefined : this.deps.maxConcurrentBuildsPerGroup;
  }

  private buildQuotaReached(scope: Scope): DomainError {
    return quotaReached(
      `group "${scope.group}" already has ${this.deps.maxConcurrentBuildsPerGroup} builds queued or running, its limit: wait for one to finish or cancel one`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Reconcile

export type BuildReconcilerDependencies = BuildReportsDependencies & {
  /** Only asked what it knows: the reconciler starts and stops nothing. */
  builder: Pick<Builder, 'describe'>;
};

/** Builds left unfinished longer than expected: asks the builder (events are best-effort) and settles them. */
export class BuildReconciler {
  private readonly reports: BuildReports;
  private readonly now: () => Date;

  constructor(private readonly deps: BuildReconcilerDependencies) {
    this.reports = new BuildReports(deps);
    this.now = deps.now ?? (() => new Date());
  }

  async reconcile(olderThanMinutes: number): Promise<{ checked: number; settled: number }> {
    const cutoff = new Date(this.now().getTime() - olderThanMinutes * 60_000).toISOString();
    const stuck = await this.deps.builds.running(cutoff);
    const known = await this.deps.builder.describe(stuck.flatMap((b) => (b.builderId && !isTerminal(b.status) ? [b.builderId] : [])));
    let settled = 0;
    for (const build of stuck) {
      const scope = { group: build.group };
      if (isTerminal(build.status)) {
        // Finished, but a failure half-way through its report left the image or identical builds untold.
        await this.reports.settle(scope, build, this.now().toISOString());
        settled++;
        continue;
      }
      const report = build.builderId
        ? known.get(build.builderId)
        : build.reused
          ? undefined
          : { status: 'failed' as const, failureReason: 'The build was recorded but never started. Rebuild to try again.', at: this.now().toISOString() };
      if (report && (await this.reports.progress(scope, build.image, build.id, report))) settled++;
    }
    return { checked: stuck.length, settled };
  }
}
