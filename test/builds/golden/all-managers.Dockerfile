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
COPY conda.txt /opt/group-images/conda.txt
RUN set -eu; \
    if command -v conda >/dev/null 2>&1; then manager=conda; \
    elif command -v mamba >/dev/null 2>&1; then manager=mamba; \
    else { echo "FAILED: conda packages were requested but the base image has no conda (or mamba)" >&2; exit 1; }; fi; \
    echo "group-images: installing conda packages with $manager"; \
    HOME=/root "$manager" install --yes --file /opt/group-images/conda.txt \
      || { echo "FAILED: conda could not install the conda packages: check the package names, versions and channels in the lines above" >&2; exit 1; }; \
    HOME=/root "$manager" clean --all --force-pkgs-dirs --yes
COPY pip.txt /opt/group-images/pip.txt
RUN set -eu; \
    if command -v python >/dev/null 2>&1; then python=python; \
    elif command -v python3 >/dev/null 2>&1; then python=python3; \
    else { echo "FAILED: pip packages were requested but the base image has no python" >&2; exit 1; }; fi; \
    "$python" -m pip --version >/dev/null 2>&1 || { echo "FAILED: pip packages were requested but the base image's python has no pip" >&2; exit 1; }; \
    echo "group-images: installing pip packages with $("$python" -m pip --version)"; \
    HOME=/root PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore PIP_BREAK_SYSTEM_PACKAGES=1 \
      "$python" -m pip install --no-cache-dir --requirement /opt/group-images/pip.txt \
      || { echo "FAILED: pip could not install the pip packages: check the requirement names and versions in the lines above" >&2; exit 1; }
ARG BASE_USER=root
USER ${BASE_USER:-root}
