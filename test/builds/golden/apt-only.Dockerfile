# Group Images build template v3. Generated: the package lists are data in the *.txt files beside it.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
USER root
ARG APT_MIRROR
COPY apt.txt /opt/group-images/apt.txt
RUN set -eu; \
    command -v apt-get >/dev/null 2>&1 || { echo "group-images: apt packages were requested but the base image has no apt-get (it is not Debian or Ubuntu based)" >&2; exit 201; }; \
    echo "group-images: installing apt packages"; \
    export DEBIAN_FRONTEND=noninteractive; \
    if [ -n "${APT_MIRROR:-}" ]; then for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do \
      if [ -f "$f" ]; then cp "$f" "$f.group-images"; sed -i -E "s#https?://[^/[:space:]]+#${APT_MIRROR%/}#g" "$f"; fi; done; fi; \
    apt-get update || { echo "group-images: apt-get update failed: the base image's package sources (or the platform's apt mirror) could not be read" >&2; exit 202; }; \
    apt-cache pkgnames | LC_ALL=C sort -u > /tmp/group-images-apt-names; \
    sed -E 's#[:=/].*##' /opt/group-images/apt.txt | LC_ALL=C sort -u | LC_ALL=C comm -23 - /tmp/group-images-apt-names > /tmp/group-images-apt-not-found; \
    if [ -s /tmp/group-images-apt-not-found ]; then echo "group-images: no apt package is named exactly:" >&2; cat /tmp/group-images-apt-not-found >&2; { echo "group-images: an apt entry names no package of the base image's package sources under exactly that name (names are never patterns): the build log lists the names that were not found" >&2; exit 203; }; fi; \
    xargs --no-run-if-empty --delimiter='\n' --arg-file=/opt/group-images/apt.txt apt-get install --yes --no-install-recommends \
      || { echo "group-images: apt-get could not install the apt packages: check the package names and versions in the build log" >&2; exit 204; }; \
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do if [ -f "$f.group-images" ]; then mv "$f.group-images" "$f"; fi; done; \
    apt-get clean; \
    rm -rf /var/lib/apt/lists/* /tmp/group-images-apt-names /tmp/group-images-apt-not-found
RUN set -u; \
    mkdir -p /opt/group-images/lock; rm -f /opt/group-images/lock/*; \
    if command -v dpkg-query >/dev/null 2>&1; then dpkg-query --show --showformat='${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n' \
      | awk -F '\t' '$1 ~ /^ii/ { print $2 "\t" $3 "\t" $4 }' > /opt/group-images/lock/apt.tsv || rm -f /opt/group-images/lock/apt.tsv; fi; \
    python=; if command -v python >/dev/null 2>&1; then python=python; elif command -v python3 >/dev/null 2>&1; then python=python3; fi; \
    if [ -n "$python" ] && "$python" -m pip --version >/dev/null 2>&1; then PIP_DISABLE_PIP_VERSION_CHECK=1 "$python" -m pip freeze --all > /opt/group-images/lock/pip-freeze.txt 2>/dev/null || rm -f /opt/group-images/lock/pip-freeze.txt; fi; \
    if command -v conda >/dev/null 2>&1; then HOME=/root conda list --json > /opt/group-images/lock/conda.json 2>/dev/null || rm -f /opt/group-images/lock/conda.json; fi; \
    true
ARG BASE_USER=root
USER ${BASE_USER:-root}
