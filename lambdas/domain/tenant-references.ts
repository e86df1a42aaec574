/**
 * What an image or a build spec may name outside itself, decided in this one place:
 *
 * - a pull secret: one of its own group's (`<group>/<name>`) or a system secret (`<name>`). A
 *   system image may name system secrets only.
 * - an image of the service's own repository (`url`, `urlForGpu`, `baseImage`): only by a tag that
 *   a build of its own scope produced, or a system build. Never the layer-cache repository, never
 *   by digest (a digest does not say whose image it is).
 *
 * Anything else is a 422 naming the command's field. Another group's secret or image is refused by its
 * text alone, before anything is looked up, with the same words whether or not it exists: the
 * answer never tells whether another group holds such a secret or built such an image.
 *
 * Why a qualified name rather than shadowing: a reference's text names one secret wherever it is
 * stored (the image, its build spec, the secret-use index, the CodeBuild secret id), so creating a
 * group secret never changes what an existing image that names a system secret pulls with, and the
 * other way round. Unqualified names keep their meaning from before group secrets existed (system).
 */
import { parseImageReference } from '../builds/image-reference.ts';
import { hashPrefixOfTag } from './build-spec.ts';
import { invalid, type FieldError, type FieldPath } from './errors.ts';
import { SECRET_REFERENCE } from './fields.ts';
import { SYSTEM, type Scope } from './scope.ts';

/** One pull secret: a system secret (group null) or a group's. */
export interface SecretRef {
  group: string | null;
  name: string;
}

/** Reads a reference's text; undefined when it is not one (the request schemas refuse those first). */
export function parseSecretReference(text: string): SecretRef | undefined {
  const match = SECRET_REFERENCE.exec(text);
  return match ? { group: match[1] ?? null, name: match[2]! } : undefined;
}

export const secretReferenceText = (ref: SecretRef) => (ref.group === null ? ref.name : `${ref.group}/${ref.name}`);

/** Tells whether a pull secret exists (metadata only); the secret stores implement it. */
export interface PullSecretDirectory {
  exists(ref: SecretRef): Promise<boolean>;
}

/** Tells whether a build of the scope produced the tag (in the service's image repository). */
export interface BuiltTags {
  builtIn(scope: Scope, tag: string): Promise<boolean>;
}

/** The service's own repositories, as `<registry>/<path>`; an empty cache means none. */
export interface ServiceRepositories {
  image: string;
  cache: string;
}

/** A reference's registry and path, normalised as a registry client would resolve them, and its tag and digest. */
function locate(reference: string): { repository: string; tag?: string; digest?: string } {
  const { registry, path, tag, digest } = parseImageReference(reference);
  return { repository: `${normaliseRegistry(registry)}/${path}`, tag, digest };
}

/** Without the default https port, and one name for the loopback registry (parseImageReference case-folds it). */
const normaliseRegistry = (host: string) => host.replace(/:443$/, '').replace(/^127\.0\.0\.1(?=:|$)/, 'localhost');

const sameRepository = (reference: string, repository: string) => repository !== '' && locate(reference).repository === locate(repository).repository;

/** The service's own image repositories, and who built which tag in them. */
export interface OwnImages {
  repositories: ServiceRepositories;
  builtTags: BuiltTags;
}

/** Both required, so that no check is skipped because a function was wired without its port. */
export interface TenantReferenceDependencies {
  secrets: PullSecretDirectory;
  /** null, said explicitly: no image is the service's own (benches and tests without repositories). */
  ownImages: OwnImages | null;
}

/** The references one command makes: each value with the command field it is in. */
export interface ReferencesToCheck {
  secrets?: { value: string | null | undefined; field: FieldPath }[];
  images?: { value: string | null | undefined; field: FieldPath }[];
}

export class TenantReferences {
  constructor(private readonly deps: TenantReferenceDependencies) {}

  /** Checks every reference of a request for an image or build spec of `scope`; one 422 names each bad one. */
  async require(scope: Scope, refs: ReferencesToCheck): Promise<void> {
    const problems = await Promise.all([
      ...(refs.secrets ?? []).map(({ value, field }) => (value ? this.secretProblem(scope, value, field) : undefined)),
      ...(refs.images ?? []).map(({ value, field }) => (value ? this.imageProblem(scope, value, field) : undefined)),
    ]);
    const errors = problems.filter((p): p is FieldError => p !== undefined);
    if (errors.length) throw invalid(errors);
  }

  private async secretProblem(scope: Scope, text: string, field: FieldPath): Promise<FieldError | undefined> {
    const ref = parseSecretReference(text);
    const allowed =
      scope.group === null
        ? 'a system image may name only a system pull secret ("<name>", from GET /secrets)'
        : `may name only a pull secret of group "${scope.group}" ("${scope.group}/<name>", from GET /groups/${scope.group}/secrets) or a system pull secret ("<name>", from GET /secrets)`;
    // Another scope's secret: refused by its text, never looked up.
    if (!ref || (ref.group !== null && ref.group !== scope.group)) return { field, message: allowed };
    if (!(await this.deps.secrets.exists(ref))) {
      return {
        field,
        message: `names no pull secret "${text}": ${ref.group === null ? 'ask a system admin to create it, or choose one from GET /secrets' : `create it with PUT /groups/${ref.group}/secrets/${ref.name}`}`,
      };
    }
    return undefined;
  }

  private async imageProblem(scope: Scope, reference: string, field: FieldPath): Promise<FieldError | undefined> {
    if (this.deps.ownImages === null) return undefined;
    const { repositories, builtTags } = this.deps.ownImages;
    if (sameRepository(reference, repositories.cache))
      return { field, message: "names the service's build cache repository, which holds no images to run or build on" };
    if (!sameRepository(reference, repositories.image)) return undefined;
    const { tag, digest } = locate(reference);
    const own = scope.group === null ? 'a system build' : `a build of group "${scope.group}" or a system build`;
    const message = `names an image of this service's repository that is not ${own}'s: name one by the tag such a build produced (its imageUrl)`;
    if (digest !== undefined || tag === undefined || hashPrefixOfTag(tag) === undefined) return { field, message };
    const owners = scope.group === null ? [SYSTEM] : [scope, SYSTEM];
    const found = await Promise.all(owners.map((owner) => builtTags.builtIn(owner, tag)));
    return found.some(Boolean) ? undefined : { field, message };
  }
}
