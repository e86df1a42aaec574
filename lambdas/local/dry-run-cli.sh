#!/usr/bin/env bash
# Stands in for docker/podman when local mode has no container CLI: it answers the buildspec's
# questions, checks the build context it is handed, and builds nothing. Every line says DRY RUN.
set -euo pipefail
case "${1:-}" in
  --version) echo "dry-run container CLI (builds nothing)" ;;
  info) ;;
  version) echo "linux/amd64" ;;
  login) cat >/dev/null; echo "DRY RUN: login to ${*: -1} (password read from stdin, not used)" ;;
  buildx)
    case "${2:-}" in
      imagetools) echo '{}' ;;
      inspect|create) ;;
      build)
        context="${*: -1}"
        [ -f "$context/Dockerfile" ] || { echo "FAILED: the build context has no Dockerfile" >&2; exit 1; }
        echo "DRY RUN: would build $context with: $(cd "$context" && echo *)"
        for list in apt.txt conda.txt pip.txt; do
          [ -f "$context/$list" ] && echo "DRY RUN: $list has $(grep -c . "$context/$list" || true) entries"
        done
        echo "DRY RUN: nothing was built or pushed"
        ;;
      *) echo "dry-run CLI: unexpected buildx ${2:-}" >&2; exit 2 ;;
    esac
    ;;
  *) echo "dry-run CLI: unexpected command ${1:-}" >&2; exit 2 ;;
esac
