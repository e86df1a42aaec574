/**
 * The environment variables buildspecs/image-build.yml reads. The function that calls
 * CodeBuild's StartBuild and the local runner both set exactly these names, so they live here.
 * A test checks that the buildspec uses no other upper-case variable.
 */
export const BUILDSPEC_ENV = {
  /** How many BUILD_CONTEXT_PART_<n> variables carry the build context (1-based, see context-transport.ts). */
  contextPartCount: 'BUILD_CONTEXT_PART_COUNT',
  /** Prefix of the numbered parts: BUILD_CONTEXT_PART_1, BUILD_CONTEXT_PART_2, ... */
  contextPartPrefix: 'BUILD_CONTEXT_PART_',
  /** The base image reference (validated `imageReference`); only ever a quoted argument / build-arg value. */
  baseImage: 'BASE_IMAGE',
  /** The reference the builder pulls for BASE_IMAGE: itself, or through a mirror (base-image-mirrors.ts). */
  baseImagePull: 'BASE_IMAGE_PULL',
  /** Why BASE_IMAGE_PULL, for the build log (one line). */
  baseImagePullReason: 'BASE_IMAGE_PULL_REASON',
  /** Where the image is pushed: `<registry>/<repository>:<content tag>`. */
  imageUri: 'IMAGE_URI',
  /** BuildKit registry cache reference (per group), e.g. `<registry>/<cache repository>:<group>`; empty for no cache. */
  cacheRef: 'CACHE_REF',
  /** The pull secret's `.dockerconfigjson`; a SECRETS_MANAGER-typed variable in CodeBuild, never plaintext. */
  pullSecretJson: 'PULL_SECRET_JSON',
  /** `docker` (default) or `podman`; a stand-in executable in tests. */
  containerCli: 'CONTAINER_CLI',
  /** `ecr` (default: log in to the registry of IMAGE_URI with the build role) or `none`. */
  registryLogin: 'REGISTRY_LOGIN',
  /** `iptables` (default: block the credential and metadata endpoints from the build's RUN steps) or `none` (local only). */
  egressGuard: 'EGRESS_GUARD',
  /** `true` (default) pushes IMAGE_URI; `false` keeps the image local (local mode). */
  pushImage: 'PUSH_IMAGE',
  /** Scratch directory for the unpacked context and phase-to-phase files; default /tmp/group-images-build. */
  workDir: 'BUILD_WORKDIR',
  /** BuildKit image for the docker-container builder; point it at a mirror to avoid Docker Hub limits. */
  buildkitImage: 'BUILDKIT_IMAGE',
  /** The platform's package mirrors (settings, never from a build spec), passed as the template's build arguments. */
  pipIndexUrl: 'PIP_INDEX_URL',
  condaChannelAlias: 'CONDA_CHANNEL_ALIAS',
  aptMirror: 'APT_MIRROR',
} as const;

/** Variables the buildspec reads that CodeBuild itself provides (the aws CLI also reads CodeBuild's AWS_REGION). */
export const CODEBUILD_ENV = {
  /** 1 while no phase has failed; post_build reads it. */
  buildSucceeding: 'CODEBUILD_BUILD_SUCCEEDING',
  /** `<project>:<uuid>`; its last part is the nonce of the build's failure markers (failureMarker). */
  buildId: 'CODEBUILD_BUILD_ID',
} as const;

/** Path of the buildspec, relative to the project root (CDK inlines it; the local runner reads it). */
export const BUILDSPEC_PATH = 'buildspecs/image-build.yml';

/**
 * The start of a failure marker: every line the buildspec (or the local runner) prints about a failure
 * is `FAILED [<nonce>]: <reason>`, and the last one is the build's failureReason. The nonce is the last
 * part of the build's builder id (CodeBuild's `<project>:<uuid>`), which the build's own output never
 * sees, so a `FAILED:` line a package prints is just output.
 */
export const failureMarker = (nonce: string) => `FAILED [${nonce}]: `;

/** The nonce of a build's failure markers, from the builder's id for it (CODEBUILD_BUILD_ID in the buildspec). */
export const failureNonceOf = (builderId: string) => builderId.slice(builderId.lastIndexOf(':') + 1);
