/**
 * The Group Images API's types for TypeScript clients, generated from client/generated/openapi.json by
 * openapi-typescript: do not edit, run `npm run openapi`. The portal SDK (client/portal-client.ts) is typed with them.
 */
export interface paths {
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness
         * @description Answers 200 while the service is up. No token needed.
         */
        get: operations["health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This OpenAPI document
         * @description The API's OpenAPI 3.1 document, generated from the code that serves it. No token needed.
         */
        get: operations["openapi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who the caller is
         * @description The caller as the service reads them from the bearer token through the deployment's claim mapping (claim names, group prefix, admin group suffix, system-admin role): a platform team checks its identity provider's mapping with one call.
         */
        get: operations["me"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups/{group}/images": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a group's images
         * @description Images in name order, a page at a time. `q` keeps the images whose words begin with the words of `q` (case-insensitive, over name, displayName, description, url, urlForGpu and type; `universal` finds universal images). A page can hold fewer than `limit` images while `nextCursor` is not null: keep following it. Query parameters other than those listed are refused (422 naming `/query/<name>`).
         */
        get: operations["listImages"];
        put?: never;
        /**
         * Add an image to a group
         * @description Adds an existing image (`url`) or starts building a custom one (`build`). A custom image is not ready until its first build succeeds.
         */
        post: operations["createImage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/images": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the system images
         * @description Images in name order, a page at a time. `q` keeps the images whose words begin with the words of `q` (case-insensitive, over name, displayName, description, url, urlForGpu and type; `universal` finds universal images). A page can hold fewer than `limit` images while `nextCursor` is not null: keep following it. Query parameters other than those listed are refused (422 naming `/query/<name>`).
         */
        get: operations["systemListImages"];
        put?: never;
        /**
         * Add a system image
         * @description Adds an existing image (`url`) or starts building a custom one (`build`). A custom image is not ready until its first build succeeds.
         */
        post: operations["systemCreateImage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups/{group}/images/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a group's image
         * @description One image, with its `ETag`.
         */
        get: operations["getImage"];
        put?: never;
        post?: never;
        /**
         * Delete a group's image
         * @description Deletes the image and stops its running build. With `If-Match`, only if the image is unchanged since the caller read it.
         */
        delete: operations["deleteImage"];
        options?: never;
        head?: never;
        /**
         * Edit a group's image
         * @description Changes displayName, description, type, url, urlForGpu or pullSecret. With `If-Match`, only if the image is unchanged since the caller read it.
         */
        patch: operations["updateImage"];
        trace?: never;
    };
    "/images/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a system image
         * @description One image, with its `ETag`.
         */
        get: operations["systemGetImage"];
        put?: never;
        post?: never;
        /**
         * Delete a system image
         * @description Deletes the image and stops its running build. With `If-Match`, only if the image is unchanged since the caller read it.
         */
        delete: operations["systemDeleteImage"];
        options?: never;
        head?: never;
        /**
         * Edit a system image
         * @description Changes displayName, description, type, url, urlForGpu or pullSecret. With `If-Match`, only if the image is unchanged since the caller read it.
         */
        patch: operations["systemUpdateImage"];
        trace?: never;
    };
    "/groups/{group}/images/{name}/builds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a group image's builds
         * @description Build history, newest first; every build is kept. Query parameters other than those listed are refused (422 naming `/query/<name>`).
         */
        get: operations["listBuilds"];
        put?: never;
        /**
         * Rebuild a group's custom image
         * @description Starts a build: of `build` when given (it replaces the spec), else of the current spec. An identical spec already built in this scope is reused without building. The image keeps its url until the new build succeeds.
         */
        post: operations["startBuild"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/images/{name}/builds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a system image's builds
         * @description Build history, newest first; every build is kept. Query parameters other than those listed are refused (422 naming `/query/<name>`).
         */
        get: operations["systemListBuilds"];
        put?: never;
        /**
         * Rebuild a system custom image
         * @description Starts a build: of `build` when given (it replaces the spec), else of the current spec. An identical spec already built in this scope is reused without building. The image keeps its url until the new build succeeds.
         */
        post: operations["systemStartBuild"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups/{group}/images/{name}/builds/{buildId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a group image's build
         * @description Build details: status, phase, spec, the produced image, and why it failed.
         */
        get: operations["getBuild"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/images/{name}/builds/{buildId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a system image's build
         * @description Build details: status, phase, spec, the produced image, and why it failed.
         */
        get: operations["systemGetBuild"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups/{group}/images/{name}/builds/{buildId}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a group image's build log
         * @description The build's log, a page at a time: readable while the build runs and after it finished or was cancelled. Poll with the returned cursor for new lines. Query parameters other than those listed are refused (422 naming `/query/<name>`).
         */
        get: operations["getBuildLogs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/images/{name}/builds/{buildId}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a system image's build log
         * @description The build's log, a page at a time: readable while the build runs and after it finished or was cancelled. Poll with the returned cursor for new lines. Query parameters other than those listed are refused (422 naming `/query/<name>`).
         */
        get: operations["systemGetBuildLogs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups/{group}/images/{name}/builds/{buildId}/sbom": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a group image build's SBOM
         * @description The software bill of materials of a succeeded build, as a CycloneDX 1.5 JSON document (`application/vnd.cyclonedx+json`): the image by digest, its base image, and every package of the build's lock with its package URL (`pkg:deb/debian/...`, `pkg:pypi/...`, `pkg:conda/...`). 409 when the build has no lock (it did not succeed, reused another build's image, or its lock was too large).
         */
        get: operations["getBuildSbom"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/images/{name}/builds/{buildId}/sbom": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a system image build's SBOM
         * @description The software bill of materials of a succeeded build, as a CycloneDX 1.5 JSON document (`application/vnd.cyclonedx+json`): the image by digest, its base image, and every package of the build's lock with its package URL (`pkg:deb/debian/...`, `pkg:pypi/...`, `pkg:conda/...`). 409 when the build has no lock (it did not succeed, reused another build's image, or its lock was too large).
         */
        get: operations["systemGetBuildSbom"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups/{group}/images/{name}/builds/{buildId}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a group image's build
         * @description Cancels a queued or running build; 409 when it has already finished.
         */
        post: operations["cancelBuild"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/images/{name}/builds/{buildId}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a system image's build
         * @description Cancels a queued or running build; 409 when it has already finished.
         */
        post: operations["systemCancelBuild"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups/{group}/image-selection": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the images a group can launch
         * @description The group's images, then the system images, that run on the requested instance type, each with `scope`, `ready` and `url` resolved for that type, a page at a time; `q` searches as in the image list. With `q`, a page can hold fewer than `limit` images while `nextCursor` is not null: keep following it. Query parameters other than those listed are refused (422 naming `/query/<name>`).
         */
        get: operations["imageSelection"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/secrets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List pull secrets
         * @description The system pull secrets, which every group may use: name, registry and creation time, never a credential. For group admins and system admins. A group's own secrets are listed under `/groups/{group}/secrets`.
         */
        get: operations["listSecrets"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/secrets/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Store a pull secret
         * @description Creates or replaces a registry login, stored in Secrets Manager. For system admins.
         */
        put: operations["putSecret"];
        post?: never;
        /**
         * Delete a pull secret
         * @description Deletes a pull secret; 409 while an image or a build spec still uses it. For system admins.
         */
        delete: operations["deleteSecret"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups/{group}/secrets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a group's pull secrets
         * @description The group's own pull secrets (images of the group name them `<group>/<name>`): name, registry and creation time, never a credential. For the group's admins and system admins; members and other groups get 403.
         */
        get: operations["listGroupSecrets"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/groups/{group}/secrets/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Store a group's pull secret
         * @description Creates or replaces a registry login of the group, stored in Secrets Manager under the group's own prefix; only the group's images and builds may use it. For the group's admins and system admins.
         */
        put: operations["putGroupSecret"];
        post?: never;
        /**
         * Delete a group's pull secret
         * @description Deletes a pull secret of the group; 409 while an image or a build spec still uses it. For the group's admins and system admins.
         */
        delete: operations["deleteGroupSecret"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description An image in a group's catalog or in the system catalog. `GET`, `PATCH` and create responses carry its `ETag`. */
        Image: {
            /** @description Generated from the display name plus a random suffix: a DNS-1123 label, unique in its scope. */
            name: string;
            /** @description The name users see. */
            displayName: string;
            /** @description Free text for users; null when none was given. */
            description: string | null;
            /**
             * @description `group` for a group image, `system` for a system image.
             * @enum {string}
             */
            scope: "group" | "system";
            /** @description The owning group; null for a system image. */
            group: string | null;
            /**
             * @description The instance type the image runs on: `cpu`, `gpu`, or `universal` (both).
             * @enum {string}
             */
            type: "cpu" | "gpu" | "universal";
            /** @description The image a launch uses; null until a custom image's first build succeeds. A rebuild changes it only when it succeeds. */
            url: string | null;
            /** @description For universal images: the image GPU instances use; null when they use `url`. */
            urlForGpu: string | null;
            /** @description The pull secret for the registry of `url`: `<name>` (system) or `<group>/<name>` (the group's own); null for none. */
            pullSecret: string | null;
            /** @description True when the image has a usable url (a custom image: once a build has succeeded). */
            ready: boolean;
            /**
             * @description `existing` when added by url, `build` for a custom image.
             * @enum {string}
             */
            source: "existing" | "build";
            /** @description The spec the next rebuild builds (normalised: entries canonical, sorted, without duplicates); null for an existing image. */
            buildSpec: components["schemas"]["BuildSpec"] | null;
            /** @description The most recent build; null if the image was never built. */
            latestBuild: components["schemas"]["LatestBuild"] | null;
            /**
             * Format: date-time
             * @description When the image was added (ISO 8601, UTC).
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description When the image last changed (ISO 8601, UTC).
             */
            updatedAt: string;
            /** @description The user id (`sub`) that added the image. */
            createdBy: string;
            /** @description The user id (`sub`) that last changed the image. */
            updatedBy: string;
        };
        /** @description A page of images, in name order. */
        ImagePage: {
            items: components["schemas"]["Image"][];
            /** @description Pass it as `cursor` to get the next page; null on the last page. */
            nextCursor: string | null;
        };
        /** @description The image's most recent build, in brief. */
        LatestBuild: {
            /** @description The build id. */
            id: string;
            /**
             * @description queued, then building, then one of succeeded, failed or cancelled; it only moves forward.
             * @enum {string}
             */
            status: "queued" | "building" | "succeeded" | "failed" | "cancelled";
            /**
             * Format: date-time
             * @description When the build was requested (ISO 8601, UTC).
             */
            createdAt: string;
            /** @description When the build finished (ISO 8601, UTC); null while it runs. */
            finishedAt: string | null;
            /** @description The build's scan result, once one arrived. */
            vulnerabilities?: {
                /** @description How many CRITICAL findings. */
                critical: number;
                /** @description How many HIGH findings. */
                high: number;
                /** @description How many MEDIUM findings. */
                medium: number;
                /** @description How many LOW findings. */
                low: number;
                /** @description How many INFORMATIONAL findings. */
                informational: number;
                /** @description How many UNDEFINED (unrated) findings. */
                undefined: number;
                /**
                 * Format: date-time
                 * @description When the scan result was reported (ISO 8601, UTC).
                 */
                scannedAt: string;
            } | null;
        };
        /** @description One build of a custom image. Every build is kept. */
        Build: {
            /** @description The build id: time-sortable, newest last. */
            id: string;
            /** @description The name of the image this build belongs to. */
            image: string;
            /**
             * @description queued, then building, then one of succeeded, failed or cancelled; it only moves forward.
             * @enum {string}
             */
            status: "queued" | "building" | "succeeded" | "failed" | "cancelled";
            /** @description The current or last build phase; null before the builder reports one. */
            phase: ("queued" | "preparing" | "building" | "pushing" | "finishing") | null;
            spec: components["schemas"]["BuildSpec"];
            /** @description The produced image, set when the build succeeds. */
            imageUrl: string | null;
            /** @description True when an identical spec had already been built in this scope and its image was reused without building. */
            reused: boolean;
            /** @description Null unless the build failed: which phase failed and why, in words a group admin can act on. */
            failureReason: string | null;
            /** @description True when the build only rendered and checked everything without building (local mode without a container CLI). */
            dryRun: boolean;
            /**
             * Format: date-time
             * @description When the build was requested (ISO 8601, UTC).
             */
            createdAt: string;
            /** @description When the builder started it (ISO 8601, UTC); null while queued. */
            startedAt: string | null;
            /** @description When the build finished (ISO 8601, UTC); null while it runs. */
            finishedAt: string | null;
            /** @description The user id (`sub`) that requested the build. */
            createdBy: string;
            /** @description The newest scan result of the build's image; null until one arrives (`vulnerabilitiesNote` says why). */
            vulnerabilities: {
                /** @description How many CRITICAL findings. */
                critical: number;
                /** @description How many HIGH findings. */
                high: number;
                /** @description How many MEDIUM findings. */
                medium: number;
                /** @description How many LOW findings. */
                low: number;
                /** @description How many INFORMATIONAL findings. */
                informational: number;
                /** @description How many UNDEFINED (unrated) findings. */
                undefined: number;
                /**
                 * Format: date-time
                 * @description When the scan result was reported (ISO 8601, UTC).
                 */
                scannedAt: string;
            } | null;
            /** @description Why there is no scan result (not succeeded, a local build, not scanned yet); null when there is one. */
            vulnerabilitiesNote: string | null;
            /** @description What the build made and what the image holds; null until a build succeeds and reports them (and for reused builds). */
            facts: {
                /** @description The pushed image's manifest digest (`sha256:...`); null when unknown. */
                digest: string | null;
                /** @description The image's size in bytes, uncompressed, as the builder's container store counts it. */
                sizeBytes: number | null;
                /** @description How many layers the image has. */
                layers: number | null;
                /** @description How many of them this build did not make: the base image's layers and those taken from the layer cache. */
                reusedLayers: number | null;
                /** @description The digest of the base image the build pulled; null when unknown. */
                baseImageDigest: string | null;
                /** @description The build's lock: every package installed, exactly; null when the build took none (`lockOmitted` says why). */
                packages: {
                    /** @description The apt (dpkg) packages installed in the image, as apt (dpkg) lists them after the build's installs; null when the image has no apt (dpkg). */
                    apt: {
                        name: string;
                        version: string;
                        architecture: string;
                    }[] | null;
                    /** @description The conda packages installed in the image, as conda lists them after the build's installs; null when the image has no conda. */
                    conda: {
                        channel: string;
                        name: string;
                        version: string;
                        build: string;
                    }[] | null;
                    /** @description The pip packages installed in the image, as pip lists them after the build's installs; null when the image has no pip. */
                    pip: {
                        name: string;
                        version: string;
                    }[] | null;
                } | null;
                /** @description Why there is no lock; null when there is one. */
                lockOmitted: string | null;
            } | null;
        };
        /** @description A page of builds, newest first. */
        BuildPage: {
            items: components["schemas"]["Build"][];
            /** @description Pass it as `cursor` to get the next page; null on the last page. */
            nextCursor: string | null;
        };
        /** @description One line of a build log. */
        LogLine: {
            /**
             * Format: date-time
             * @description When the line was logged (ISO 8601, UTC).
             */
            timestamp: string;
            /** @description The line, without its line break. */
            message: string;
        };
        /** @description A page of a build log, oldest line first. */
        LogPage: {
            lines: components["schemas"]["LogLine"][];
            /** @description Pass it as `cursor` for the lines that follow. While the build runs there is always one (more lines may come); null once it has finished and every line was read. */
            nextCursor: string | null;
        };
        /** @description An image as a launch sees it. */
        SelectableImage: {
            /** @description Generated from the display name plus a random suffix: a DNS-1123 label, unique in its scope. */
            name: string;
            /** @description The name users see. */
            displayName: string;
            /** @description Free text for users; null when none was given. */
            description: string | null;
            /**
             * @description `group` for the group's own images (the portal's "Group" hint), `system` for system images.
             * @enum {string}
             */
            scope: "group" | "system";
            /** @description The owning group; null for a system image. */
            group: string | null;
            /**
             * @description The instance type the image runs on: `cpu`, `gpu`, or `universal` (both).
             * @enum {string}
             */
            type: "cpu" | "gpu" | "universal";
            /** @description The image to launch, resolved for the requested instance type; null while not ready. */
            url: string | null;
            /** @description The pull secret for the registry of `url`: `<name>` (system) or `<group>/<name>` (the group's own); null for none. */
            pullSecret: string | null;
            /** @description True when the image has a usable url. */
            ready: boolean;
            /** @description True when the image's latest build succeeded and ECR's scan of it found CRITICAL vulnerabilities: the portal can warn members (the image stays selectable). */
            criticalFindings: boolean;
        };
        /** @description What members pick from: the group's images first, then the system images. */
        SelectionPage: {
            items: components["schemas"]["SelectableImage"][];
            /** @description Pass it as `cursor` to get the next page; null on the last page. */
            nextCursor: string | null;
        };
        /** @description A pull secret's metadata; the credential itself is never returned. */
        PullSecret: {
            /** @description The pull secret name, which images and build specs refer to. */
            name: string;
            /** @description The registry host (and port) the login is for. */
            registry: string;
            /**
             * Format: date-time
             * @description When the secret was stored (or last replaced) (ISO 8601, UTC).
             */
            createdAt: string;
        };
        /** @description Every pull secret, by name. */
        PullSecretList: {
            items: components["schemas"]["PullSecret"][];
        };
        /** @description The service is up. */
        Health: {
            /** @constant */
            status: "ok";
        };
        /** @description The caller as the service reads them from the token through the deployment's claim mapping. */
        Caller: {
            /** @description The caller's user id: the claim the `claimSub` setting names. */
            sub: string;
            /** @description Every group the caller is a member of (administering a group makes a member), sorted. */
            groups: string[];
            /** @description The groups the caller administers, sorted. */
            adminGroups: string[];
            /** @description True when the caller has the system-admin role (`systemAdminRole`). */
            systemAdmin: boolean;
        };
        /** @description One invalid field. */
        FieldError: {
            /** @description A JSON Pointer into the request body (`/build/packages/pip/0`, `/displayName`) or the query (`/query/limit`); empty for the body as a whole. */
            path: string;
            /** @description What is wrong with it. */
            message: string;
        };
        /** @description An RFC 9457 problem details body (`application/problem+json`). */
        Problem: {
            /** @description A URI naming the kind of problem: `https://group-images.dev/problems/{kind}`, kind one of bad-request, unauthenticated, forbidden, not-found, route-not-found, method-not-allowed, conflict, precondition-failed, payload-too-large, unsupported-media-type, validation, quota, internal, unavailable. */
            type: string;
            /** @description A short summary of the kind of problem, the same for every occurrence. */
            title: string;
            /** @description The HTTP status code. */
            status: number;
            /** @description What went wrong this time, and what to do about it. */
            detail: string;
            /** @description The request id, to find the request in the logs. */
            requestId?: string;
            /** @description For 422 only: every invalid field. */
            errors?: components["schemas"]["FieldError"][];
        };
        /** @description A 422: a problem details body naming every invalid field by JSON Pointer. */
        ValidationProblem: {
            /** @description A URI naming the kind of problem: `https://group-images.dev/problems/{kind}`, kind one of bad-request, unauthenticated, forbidden, not-found, route-not-found, method-not-allowed, conflict, precondition-failed, payload-too-large, unsupported-media-type, validation, quota, internal, unavailable. */
            type: string;
            /** @description A short summary of the kind of problem, the same for every occurrence. */
            title: string;
            /** @description The HTTP status code. */
            status: number;
            /** @description What went wrong this time, and what to do about it. */
            detail: string;
            /** @description The request id, to find the request in the logs. */
            requestId?: string;
            /** @description Every invalid field, at least one. */
            errors: components["schemas"]["FieldError"][];
        };
        /** @description A custom image build: a base image and the packages to install on it, apt first, then conda, then pip. */
        BuildSpec: {
            /** @description The image to build on: a container image reference such as `python:3.12-slim` or `registry.example.com/team/base:1.0`. An image of this service's own repository only by a tag its own scope's or a system build produced (422 otherwise). */
            baseImage: string;
            /** @description The pull secret that logs in to the base image's registry: `<name>` for a system secret, `<group>/<name>` for one of the image's own group; absent or null for a public base image. Another group's is a 422. */
            pullSecret?: string | null;
            /** @description Package lists by package manager; each may be absent or empty. */
            packages: {
                /** @description Debian package names, optionally `:arch` and an exact `=version` or a `/release`: `curl`, `g++`, `libssl-dev=3.0.11-1~deb12u2`, `curl/bookworm-backports`. Version patterns (`curl=*`, `nodejs=18.*`) are refused: entries are literal. Options, URLs, paths and `.deb` files are refused. */
                apt?: string[];
                /** @description conda MatchSpecs, optionally with a channel name: `numpy`, `numpy==1.17*`, `conda-forge::numpy==1.17*`, `numpy >= 1.20, <2`, `jaxlib>=0.4.31=cuda12*`, `-c conda-forge::numpy==1.17*`. Names are lower-cased as conda does. Channels are names, never URLs or paths; brackets, `|` and package files are refused. */
                conda?: string[];
                /** @description PEP 508 requirements with extras and markers, without URLs, direct references, paths, package files, comments or pip options: `requests==2.32.3`, `uvicorn[standard]>=0.30`, `backports.zoneinfo; python_version < "3.9"`. Markers pip cannot evaluate are refused. */
                pip?: string[];
            };
        };
        /** @description A new image: give exactly one of `url` (add an existing image) or `build` (build a custom image). Unknown fields are rejected with a 422. */
        CreateImage: {
            /** @description The name users see: 1 to 63 characters, lowercase letters, digits, `-` and `.` only. The image `name` is derived from it. */
            displayName: string;
            /** @description Free text for users, at most 2000 characters. */
            description?: string | null;
            /**
             * @description The instance type the image runs on: `cpu`, `gpu`, or `universal` (both).
             * @enum {string}
             */
            type: "cpu" | "gpu" | "universal";
            /** @description The existing image to use (a container image reference); not with `build`. An image of this service's own repository only by a tag its own scope's or a system build produced (422 otherwise). */
            url?: string;
            /** @description For `universal` images only: the image GPU instances use. When absent, GPU instances use `url`. */
            urlForGpu?: string;
            /** @description The pull secret that logs in to the registry of `url`: `<name>` for a system secret, `<group>/<name>` for one of the image's own group. It must exist and be one of those (422 otherwise). */
            pullSecret?: string | null;
            /** @description Build a custom image from this spec instead of giving a `url`. */
            build?: components["schemas"]["BuildSpec"];
        } & (unknown | unknown);
        /** @description The fields to change; at least one. Absent fields are left as they are; unknown fields are rejected with a 422. */
        UpdateImage: {
            /** @description The name users see: 1 to 63 characters, lowercase letters, digits, `-` and `.` only. The image `name` does not change. */
            displayName?: string;
            /** @description Free text for users, at most 2000 characters; null clears it. */
            description?: string | null;
            /**
             * @description The instance type: `cpu`, `gpu` or `universal`. Changing a universal image to `cpu` or `gpu` drops its `urlForGpu`.
             * @enum {string}
             */
            type?: "cpu" | "gpu" | "universal";
            /** @description The image to use; only for images added with a `url` (a custom image gets its url from its builds). */
            url?: string;
            /** @description For `universal` images only: the image GPU instances use; null makes GPU instances use `url`. */
            urlForGpu?: string | null;
            /** @description The pull secret for the registry of `url`: `<name>` (system) or `<group>/<name>` (the image's own group); null for none. It must exist and be one of those (422 otherwise). */
            pullSecret?: string | null;
        };
        /** @description A rebuild: with `build`, the new spec replaces the current one; without it, the current spec is built again. */
        Rebuild: {
            /** @description The new build spec; absent to build the current spec again. */
            build?: components["schemas"]["BuildSpec"];
            /** @description Rebuild exactly: the id of one of this image's succeeded builds, whose spec is built again pinned to its lock (the base image by digest, apt and conda entries to the versions it installed, every pip package with `==`). 422 when that build has no lock. Not with `build`. */
            lockedFrom?: string;
        } & (unknown | unknown | unknown);
        /** @description A registry login, stored in Secrets Manager and never returned by the API. */
        RegistryLogin: {
            /** @description The registry host, optionally with a port: `ghcr.io`, `registry.example.com:5000`. */
            registry: string;
            /** @description The registry user name (no `:`). */
            username: string;
            /** @description The registry password or access token. */
            password: string;
        };
    };
    responses: {
        /** @description The body is not valid JSON, or the cursor is not one this list gave out. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No bearer token, or one that is invalid or expired. */
        Unauthenticated: {
            headers: {
                /** @description `Bearer`. */
                "WWW-Authenticate": string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Authenticated, but not allowed: the caller is not a member (to read) or an admin (to write) of the owning group, or not a system admin where one is needed. */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No such group, image, build or secret in this scope. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The state does not allow it: a build is already running, the build has already finished, the image is not a custom image, or the secret is still in use. */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `If-Match` does not match the current `ETag`: get the image again and retry. */
        PreconditionFailed: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The body is larger than 65536 bytes (64 KiB). */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The body is not JSON (`Content-Type: application/json`). */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The body or the query is invalid; `errors` names every invalid field by JSON Pointer. */
        ValidationFailed: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["ValidationProblem"];
            };
        };
        /** @description The group's quota is reached (images, or builds queued or running). */
        QuotaReached: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Something went wrong on our side; `requestId` identifies it in the logs. */
        InternalError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description A service this API depends on is busy or did not carry the request out (throttling, a build the builder could not stop yet): retry after `Retry-After` seconds. */
        Unavailable: {
            headers: {
                /** @description Seconds to wait before trying again. */
                "Retry-After": string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type Image = components['schemas']['Image'];
export type ImagePage = components['schemas']['ImagePage'];
export type LatestBuild = components['schemas']['LatestBuild'];
export type Build = components['schemas']['Build'];
export type BuildPage = components['schemas']['BuildPage'];
export type LogLine = components['schemas']['LogLine'];
export type LogPage = components['schemas']['LogPage'];
export type SelectableImage = components['schemas']['SelectableImage'];
export type SelectionPage = components['schemas']['SelectionPage'];
export type PullSecret = components['schemas']['PullSecret'];
export type PullSecretList = components['schemas']['PullSecretList'];
export type Health = components['schemas']['Health'];
export type Caller = components['schemas']['Caller'];
export type FieldError = components['schemas']['FieldError'];
export type Problem = components['schemas']['Problem'];
export type ValidationProblem = components['schemas']['ValidationProblem'];
export type BuildSpec = components['schemas']['BuildSpec'];
export type CreateImage = components['schemas']['CreateImage'];
export type UpdateImage = components['schemas']['UpdateImage'];
export type Rebuild = components['schemas']['Rebuild'];
export type RegistryLogin = components['schemas']['RegistryLogin'];
export type ResponseBadRequest = components['responses']['BadRequest'];
export type ResponseUnauthenticated = components['responses']['Unauthenticated'];
export type ResponseForbidden = components['responses']['Forbidden'];
export type ResponseNotFound = components['responses']['NotFound'];
export type ResponseConflict = components['responses']['Conflict'];
export type ResponsePreconditionFailed = components['responses']['PreconditionFailed'];
export type ResponsePayloadTooLarge = components['responses']['PayloadTooLarge'];
export type ResponseUnsupportedMediaType = components['responses']['UnsupportedMediaType'];
export type ResponseValidationFailed = components['responses']['ValidationFailed'];
export type ResponseQuotaReached = components['responses']['QuotaReached'];
export type ResponseInternalError = components['responses']['InternalError'];
export type ResponseUnavailable = components['responses']['Unavailable'];
export type $defs = Record<string, never>;
export interface operations {
    health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The service is up. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    openapi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI 3.1 document. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, unknown>;
                };
            };
            500: components["responses"]["InternalError"];
        };
    };
    me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Caller"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            500: components["responses"]["InternalError"];
        };
    };
    listImages: {
        parameters: {
            query?: {
                /** @description Keywords, at most 200 characters, case-insensitive: an image matches when each word of `q` (a run of letters and digits) begins a word of its name, displayName, description, url, urlForGpu or type. `tensor` finds TensorFlow images, `py 3.12` finds `python:3.12-slim`; text inside a word (`flow`) does not match. A keyword without letters or digits is refused (422). */
                q?: string;
                /** @description How many items a page holds at most: 1 to 100, default 20. */
                limit?: number;
                /** @description The `nextCursor` of the previous page, passed back unchanged; absent for the first page. */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description The group id, as the identity provider names it. */
                group: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of images. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImagePage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    createImage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group id, as the identity provider names it. */
                group: string;
            };
            cookie?: never;
        };
        /** @description A JSON document (`Content-Type: application/json`) of at most 65536 bytes (64 KiB); a larger body is a 413. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateImage"];
            };
        };
        responses: {
            /** @description The image, as created. */
            201: {
                headers: {
                    /** @description The image's version; send it back in `If-Match` to change the image only if nobody else has. */
                    ETag: string;
                    /** @description The path of what was created. */
                    Location: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Image"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["QuotaReached"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    systemListImages: {
        parameters: {
            query?: {
                /** @description Keywords, at most 200 characters, case-insensitive: an image matches when each word of `q` (a run of letters and digits) begins a word of its name, displayName, description, url, urlForGpu or type. `tensor` finds TensorFlow images, `py 3.12` finds `python:3.12-slim`; text inside a word (`flow`) does not match. A keyword without letters or digits is refused (422). */
                q?: string;
                /** @description How many items a page holds at most: 1 to 100, default 20. */
                limit?: number;
                /** @description The `nextCursor` of the previous page, passed back unchanged; absent for the first page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of images. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImagePage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            422: components["responses"]["ValidationFailed"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    systemCreateImage: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A JSON document (`Content-Type: application/json`) of at most 65536 bytes (64 KiB); a larger body is a 413. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateImage"];
            };
        };
        responses: {
            /** @description The image, as created. */
            201: {
                headers: {
                    /** @description The image's version; send it back in `If-Match` to change the image only if nobody else has. */
                    ETag: string;
                    /** @description The path of what was created. */
                    Location: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Image"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    getImage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group id, as the identity provider names it. */
                group: string;
                /** @description The image name (generated, a DNS-1123 label such as `python-x7k2p`). */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The image. */
            200: {
                headers: {
                    /** @description The image's version; send it back in `If-Match` to change the image only if nobody else has. */
                    ETag: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Image"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteImage: {
        parameters: {
            query?: never;
            header?: {
                /** @description An `ETag` from a previous response (or `*`): the change is made only if the image still has it, else 412. */
                "If-Match"?: string;
            };
            path: {
                /** @description The group id, as the identity provider names it. */
                group: string;
                /** @description The image name (generated, a DNS-1123 label such as `python-x7k2p`). */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            412: components["responses"]["PreconditionFailed"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    updateImage: {
        parameters: {
            query?: never;
            header?: {
                /** @description An `ETag` from a previous response (or `*`): the change is made only if the image still has it, else 412. */
                "If-Match"?: string;
            };
            path: {
                /** @description The group id, as the identity provider names it. */
                group: string;
                /** @description The image name (generated, a DNS-1123 label such as `python-x7k2p`). */
                name: string;
            };
            cookie?: never;
        };
        /** @description A JSON document (`Content-Type: application/json`) of at most 65536 bytes (64 KiB); a larger body is a 413. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateImage"];
            };
        };
        responses: {
            /** @description The image, as changed. */
            200: {
                headers: {
                    /** @description The image's version; send it back in `If-Match` to change the image only if nobody else has. */
                    ETag: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Image"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    systemGetImage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The image name (generated, a DNS-1123 label such as `python-x7k2p`). */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The image. */
            200: {
                headers: {
                    /** @description The image's version; send it back in `If-Match` to change the image only if nobody else has. */
                    ETag: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Image"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    systemDeleteImage: {
        parameters: {
            query?: never;
            header?: {
                /** @description An `ETag` from a previous response (or `*`): the change is made only if the image still has it, else 412. */
                "If-Match"?: string;
            };
            path: {
                /** @description The image name (generated, a DNS-1123 label such as `python-x7k2p`). */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            412: components["responses"]["PreconditionFailed"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    systemUpdateImage: {
        parameters: {
            query?: never;
            header?: {
                /** @description An `ETag` from a previous response (or `*`): the change is made only if the image still has it, else 412. */
                "If-Match"?: string;
            };
            path: {
                /** @description The image name (generated, a DNS-1123 label such as `python-x7k2p`). */
                name: string;
            };
            cookie?: never;
        };
        /** @description A JSON document (`Content-Type: application/json`) of at most 65536 bytes (64 KiB); a larger body is a 413. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateImage"];
            };
        };
        responses: {
            /** @description The image, as changed. */
            200: {
                headers: {
                    /** @description The image's version; send it back in `If-Match` to change the image only if nobody else has. */
                    ETag: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Image"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    listBuilds: {
        parameters: {
            query?: {
                /** @description How many items a page holds at most: 1 to 100, default 20. */
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description The group id, as the identity provider names it. */
                group: string;
                /** @description The image name (generated, a DNS-1123 label such as `python-x7k2p`). */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of builds. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BuildPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    startBuild: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group id, as the identity provider names it. */
                group: string;
                /** @description The image name (generated, a DNS-1123 label such as `python-x7k2p`). */
                name: string;
            };
            cookie?: never;
        };
        /** @description A JSON document (`Content-Type: application/json`) of at most 65536 bytes (64 KiB); a larger body is a 413. */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["Rebuild"];
            };
        };
        responses: {
            /** @description The build, started (or reused). */
            202: {
                headers: {
                    /** @description The path of what was created. */
                    Location: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Build"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["QuotaReached"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    systemListBuilds: {
        parameters: {
            query?: {
                /** @description How many items a page holds at most: 1 to 100, default 20. */
                limit?: number;
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description The image name (generated, a DNS-1123 label such as `python-x7k2p`). */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of builds. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BuildPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    systemStartBuild: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The image name (generated, a DNS-1123 label such as `python-x7k2p`). */
                name: string;
            };
            cookie?: never;
        };
        /** @description A JSON document (`Content-Type: application/json`) of at most 65536 bytes (64 KiB); a larger body is a 413. */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["Rebuild"];
            };
        };
        responses: {
            /** @description The build, started (or reused). */
            202: {
                headers: {
                    /** @description The path of what was created. */
                    Location: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Build"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    getBuild: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group id, as the identity provider names it. */
                group: string;
                /** @description The image name (generated, a DNS-1123 label such as `python-x7k2p`). */
                name: string;
                /** @description The build id. */
                buildId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The build. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Build"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    systemGetBuild: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The image name (generated, a DNS-1123 label such as `python-x7k2p`). */
                name: string;
                /** @description The build id. */
                buildId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The build. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Build"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    getBuildLogs: {
        parameters: {
            query?: {
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description The group id, as the identity provider names it. */
                group: string;
                /** @description The image name (generated, a DNS-1123 label such as `python-x7k2p`). */
                name: string;
                /** @description The build id. */
                buildId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of log lines. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LogPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    systemGetBuildLogs: {
        parameters: {
            query?: {
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description The image name (generated, a DNS-1123 label such as `python-x7k2p`). */
                name: string;
                /** @description The build id. */
                buildId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of log lines. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LogPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    getBuildSbom: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group id, as the identity provider names it. */
                group: string;
                /** @description The image name (generated, a DNS-1123 label such as `python-x7k2p`). */
                name: string;
                /** @description The build id. */
                buildId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The CycloneDX BOM. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/vnd.cyclonedx+json": {
                        /** @constant */
                        bomFormat: "CycloneDX";
                        specVersion: string;
                        components?: Record<string, unknown>[];
                    };
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    systemGetBuildSbom: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The image name (generated, a DNS-1123 label such as `python-x7k2p`). */
                name: string;
                /** @description The build id. */
                buildId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The CycloneDX BOM. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/vnd.cyclonedx+json": {
                        /** @constant */
                        bomFormat: "CycloneDX";
                        specVersion: string;
                        components?: Record<string, unknown>[];
                    };
                };
            };
            401: components["responses"]["Unauthenticated"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    cancelBuild: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group id, as the identity provider names it. */
                group: string;
                /** @description The image name (generated, a DNS-1123 label such as `python-x7k2p`). */
                name: string;
                /** @description The build id. */
                buildId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The build, cancelled. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Build"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    systemCancelBuild: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The image name (generated, a DNS-1123 label such as `python-x7k2p`). */
                name: string;
                /** @description The build id. */
                buildId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The build, cancelled. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Build"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    imageSelection: {
        parameters: {
            query?: {
                /** @description Keywords, at most 200 characters, case-insensitive: an image matches when each word of `q` (a run of letters and digits) begins a word of its name, displayName, description, url, urlForGpu or type. `tensor` finds TensorFlow images, `py 3.12` finds `python:3.12-slim`; text inside a word (`flow`) does not match. A keyword without letters or digits is refused (422). */
                q?: string;
                /** @description How many items a page holds at most: 1 to 100, default 20. */
                limit?: number;
                /** @description The `nextCursor` of the previous page, passed back unchanged; absent for the first page. */
                cursor?: string;
                /** @description The instance type the user launches on: `cpu` (default) or `gpu`. Only images that run on it are listed, with `url` resolved for it. */
                type?: "cpu" | "gpu";
            };
            header?: never;
            path: {
                /** @description The group id, as the identity provider names it. */
                group: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of the selection. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SelectionPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            422: components["responses"]["ValidationFailed"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    listSecrets: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The pull secrets. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PullSecretList"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    putSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The pull secret name: 1 to 63 lowercase letters, digits and `-`, starting and ending with a letter or digit. */
                name: string;
            };
            cookie?: never;
        };
        /** @description A JSON document (`Content-Type: application/json`) of at most 65536 bytes (64 KiB); a larger body is a 413. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegistryLogin"];
            };
        };
        responses: {
            /** @description Replaced. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PullSecret"];
                };
            };
            /** @description Created. */
            201: {
                headers: {
                    /** @description The path of what was created. */
                    Location: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PullSecret"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The pull secret name: 1 to 63 lowercase letters, digits and `-`, starting and ending with a letter or digit. */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    listGroupSecrets: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group id, as the identity provider names it. */
                group: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The group's pull secrets. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PullSecretList"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    putGroupSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group id, as the identity provider names it. */
                group: string;
                /** @description The pull secret name: 1 to 63 lowercase letters, digits and `-`, starting and ending with a letter or digit. */
                name: string;
            };
            cookie?: never;
        };
        /** @description A JSON document (`Content-Type: application/json`) of at most 65536 bytes (64 KiB); a larger body is a 413. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegistryLogin"];
            };
        };
        responses: {
            /** @description Replaced. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PullSecret"];
                };
            };
            /** @description Created. */
            201: {
                headers: {
                    /** @description The path of what was created. */
                    Location: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PullSecret"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteGroupSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The group id, as the identity provider names it. */
                group: string;
                /** @description The pull secret name: 1 to 63 lowercase letters, digits and `-`, starting and ending with a letter or digit. */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
}
