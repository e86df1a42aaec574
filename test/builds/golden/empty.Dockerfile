# Group Images build template v2. Generated: the package lists are data in the *.txt files beside it.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
ARG BASE_USER=root
USER ${BASE_USER:-root}
