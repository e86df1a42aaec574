# Group Images build template v3. Generated: the package lists are data in the *.txt files beside it.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
USER root
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
