# Group Images build template v1. Generated: the package lists are data in the *.txt files beside it.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
USER root
COPY apt.txt /opt/group-images/apt.txt
RUN set -eu; \
    command -v apt-get >/dev/null 2>&1 || { echo "FAILED: apt packages were requested but the base image has no apt-get (it is not Debian or Ubuntu based)" >&2; exit 1; }; \
    echo "group-images: installing apt packages"; \
    export DEBIAN_FRONTEND=noninteractive; \
    apt-get update || { echo "FAILED: apt-get update failed: the base image's package sources could not be read" >&2; exit 1; }; \
    xargs --no-run-if-empty --delimiter='\n' --arg-file=/opt/group-images/apt.txt apt-get install --yes --no-install-recommends \
      || { echo "FAILED: apt-get could not install the apt packages: check the package names and versions in the lines above" >&2; exit 1; }; \
    apt-get clean; \
    rm -rf /var/lib/apt/lists/*
ARG BASE_USER=root
USER ${BASE_USER:-root}
