/**
 * Image retirement: storage that stops growing. A built image (an immutable, content-addressed tag in
 * the image repository) is deleted once nothing points at it any more (no catalog image in any scope,
 * and no kept build: a build of an image that still exists) and that has stayed so for the retention
 * period, since running workloads may still pull it. Knows nothing of ECR or DynamoDB: the registry
 * and the catalog's references are ports.
 *
 * Safe against builds that start while it runs: before a tag goes, the spec claims that would let a
 * new build reuse it are withdrawn (conditionally), and only then are the scopes that built it read
 * again (consistently). A build that reused the tag meanwhile is found then, and the claim put back;
 * a build that claims the spec afterwards builds and pushes the tag again.
 */

/** A tagged image of the repository, as the registry describes it. */
export interface RegistryImage {
  tag: string;
  /** The manifest digest (`sha256:...`): an image may also be pointed at as `<repository>@<digest>`. */
  digest: string;
  pushedAt: Date;
  /** When it was last pulled (ECR records this about once a day); null when never. */
  lastPulledAt: Date | null;
}

export interface RetirementRegistry {
  /** The url a catalog image or build records for a tag (`<repository uri>:<tag>`). */
  urlOf(tag: string): string;
  /** The same image by digest (`<repository uri>@<digest>`), as an existing image's url may name it. */
  urlOfDigest(digest: string): string;
  /** Every tagged image of the repository. */
  list(): Promise<RegistryImage[]>;
  /** Deletes the tags; returns those now gone (deleted, or gone already). */
  remove(tags: string[]): Promise<string[]>;
}

/** The record that lets a new build of an identical spec reuse a built image instead of building. */
export interface SpecClaimRef {
  partition: string;
  hash: string;
  imageUrl: string;
}

/** What the catalog points at, all scopes at once (a batch read, not a request's). */
export interface ReferenceView {
  /** Every url a catalog image or a kept build points at. */
  referenced: Set<string>;
  /** By url: the scopes (partitions) whose builds produced or target it. */
  producers: Map<string, Set<string>>;
  /** By url: the spec claims that hand it out for reuse. */
  claims: Map<string, SpecClaimRef[]>;
}

export interface CatalogReferences {
  view(): Promise<ReferenceView>;
  /** Whether a catalog image or kept build of this partition points at the url (consistent reads). */
  referencedIn(partition: string, url: string): Promise<boolean>;
  /** Removes the claim if it still hands out this url; false when it changed. */
  withdrawClaim(claim: SpecClaimRef): Promise<boolean>;
  /** Puts a withdrawn claim back (a build reused the image meanwhile). */
  restoreClaim(claim: SpecClaimRef): Promise<void>;
}

/** Since when each tag is known to be unreferenced. */
export interface RetirementMarks {
  all(): Promise<Map<string, Date>>;
  mark(tag: string, since: Date): Promise<void>;
  unmark(tag: string): Promise<void>;
}

export interface RetirementDependencies {
  registry: RetirementRegistry;
  references: CatalogReferences;
  marks: RetirementMarks;
  retentionDays: number;
  /** The tags this service writes (content hashes); anything else in the repository is left alone. */
  isServiceTag?: (tag: string) => boolean;
  now?: () => Date;
}

export interface RetirementResult {
  /** Tagged images of the service in the repository. */
  checked: number;
  /** Unreferenced, waiting out the retention period (or pulled within it). */
  waiting: number;
  /** Newly found unreferenced this run. */
  marked: number;
  /** Deleted this run. */
  deleted: string[];
  /** Found referenced again at the last check, kept. */
  rescued: string[];
}

const DAY = 86_400_000;
export const SERVICE_TAG = /^sha-[0-9a-f]{32}$/;

export async function retireImages(deps: RetirementDependencies): Promise<RetirementResult> {
  const now = (deps.now ?? (() => new Date()))();
  const isServiceTag = deps.isServiceTag ?? ((tag: string) => SERVICE_TAG.test(tag));
  const cutoff = now.getTime() - deps.retentionDays * DAY;

  const images = (await deps.registry.list()).filter((i) => isServiceTag(i.tag));
  const marks = await deps.marks.all();
  const view = await deps.references.view();
  const result: RetirementResult = { checked: images.length, waiting: 0, marked: 0, deleted: [], rescued: [] };

  const due: RegistryImage[] = [];
  for (const image of images) {
    const url = deps.registry.urlOf(image.tag);
    const since = marks.get(image.tag);
    if (view.referenced.has(url) || view.referenced.has(deps.registry.urlOfDigest(image.digest))) {
      if (since) await deps.marks.unmark(image.tag);
      continue;
    }
    if (!since) {
      await deps.marks.mark(image.tag, now);
      result.marked++;
      result.waiting++;
      continue;
    }
    const pulledLately = image.lastPulledAt !== null && image.lastPulledAt.getTime() > cutoff;
    if (since.getTime() > cutoff || pulledLately) {
      result.waiting++;
      continue;
    }
    due.push(image);
  }

  const confirmed: string[] = [];
  for (const image of due) {
    const url = deps.registry.urlOf(image.tag);
    const claims = view.claims.get(url) ?? [];
    const withdrawn: SpecClaimRef[] = [];
    for (const claim of claims) if (await deps.references.withdrawClaim(claim)) withdrawn.push(claim);
    const partitions = new Set([...(view.producers.get(url) ?? []), ...claims.map((c) => c.partition)]);
    let stillUsed = false;
    for (const partition of partitions) {
      if (await deps.references.referencedIn(partition, url)) {
        stillUsed = true;
        break;
      }
    }
    if (stillUsed) {
      for (const claim of withdrawn) await deps.references.restoreClaim(claim);
      await deps.marks.unmark(image.tag);
      result.rescued.push(image.tag);
      continue;
    }
    confirmed.push(image.tag);
  }

  if (confirmed.length) {
    const gone = await deps.registry.remove(confirmed);
    for (const tag of gone) await deps.marks.unmark(tag);
    result.deleted = gone;
  }
  // Marks of tags no longer in the repository (deleted by hand, or by an earlier run that stopped half-way).
  const present = new Set(images.map((i) => i.tag));
  for (const tag of marks.keys()) if (!present.has(tag) && !result.deleted.includes(tag)) await deps.marks.unmark(tag);
  return result;
}
