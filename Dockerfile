# syntax=docker/dockerfile:1
#
# Dockerfile: the wscluster image, one image for every command of the CLI jar (`wsc node`,
# `wsc gateway`, `wsc status`, `wsc drain`, ...): the default command runs a node.
#
#   docker build -t wscluster .
#   docker run --rm -p 8080:8080 -p 9080:9080 --ulimit nofile=1048576:1048576 \
#     -e WSC_API_KEY=... -e WSC_ADMIN_KEY=... -e WSC_REDIS=redis://redis:6379 wscluster
#   docker run --rm -p 8000:8000 wscluster gateway --redis redis://redis:6379
#
# deploy/compose.yaml runs a whole cluster from it; deploy/docker/check-dockerfile.py checks this
# file's structure (no container engine is needed for that).

# ---- build stage: the same command as a developer's build, inside a pinned Maven + JDK 17 ----
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src

# The POMs first, so that the dependency layer below is rebuilt only when a POM changes. The
# reactor needs every module listed in the root POM, even those -pl cli -am does not build.
COPY pom.xml ./
COPY protocol/pom.xml protocol/
COPY core/pom.xml core/
COPY eventloops/pom.xml eventloops/
COPY testkit/pom.xml testkit/
COPY redis/pom.xml redis/
COPY server/pom.xml server/
COPY gateway/pom.xml gateway/
COPY client/pom.xml client/
COPY loadtest/pom.xml loadtest/
COPY cli/pom.xml cli/
COPY examples/pom.xml examples/
COPY benchmarks/pom.xml benchmarks/
# Dependencies and plugins into ~/.m2. `dependency:go-offline` does not work on this reactor (it
# cannot resolve the modules' own snapshot artifacts, nor netty's ${os.detected.classifier}), so
# the same package run is made on the POMs alone: it resolves exactly what the real build needs,
# makes empty jars, and those are removed before the sources come in.
RUN mvn -B -ntp -q -DskipTests -pl cli -am package \
 && rm -rf target ./*/target

COPY . .
RUN mvn -B -ntp -DskipTests -pl cli -am package \
 && test -f cli/target/wsc.jar

# ---- runtime stage: a JRE only (Ubuntu 22.04 "jammy" base, which has bash; no curl, no JDK) ----
FROM eclipse-temurin:17.0.13_11-jre-jammy

ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="wscluster" \
      org.opencontainers.image.description="One logical WebSocket service on many machines: wsc node, wsc gateway and the operator tools" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="docker.io/library/eclipse-temurin:17.0.13_11-jre-jammy"

# A user of its own, never root (uid/gid 10001, no login shell, no home but /opt/wsc).
RUN groupadd --system --gid 10001 wsc \
 && useradd --system --uid 10001 --gid 10001 --home-dir /opt/wsc --no-create-home --shell /usr/sbin/nologin wsc

# Only the runnable jar of the build stage (owned by root: the user that runs it can read, not change it).
COPY --from=build /src/cli/target/wsc.jar /opt/wsc/wsc.jar
WORKDIR /opt/wsc

# The operator listener (/api/*, /admin/*, /metrics) must be reachable from outside the container,
# so it listens on every interface here (the node's default is 127.0.0.1). A caller from elsewhere
# than loopback then needs a key: set api-key and admin-key (WSC_API_KEY / WSC_ADMIN_KEY, or better
# WSC_API_KEY_FILE / WSC_ADMIN_KEY_FILE from mounted secrets; docs/security.md). Without them the
# node still starts, but answers no operator request from another container or host (403).
# Every WSC_* variable must be a known setting: a node refuses to start on an unknown one.
ENV WSC_ADMIN_HOST=0.0.0.0

# 8080: the node's public listener (WebSocket /ws, /health, /ready); 9080: its operator listener
# (admin-port = port + 1000). A gateway (`wsc gateway`) listens on 8000 instead: publish that one.
EXPOSE 8080 9080

# Each WebSocket connection is an open file: run nodes and gateways with a high open-files limit,
# `docker run --ulimit nofile=1048576:1048576` (compose: `ulimits: nofile:`), or the container's
# default (often 1024 soft) caps a node at about a thousand clients. docs/configuration.md#operating-system-limits
USER 10001:10001

# Liveness: GET /health on the public listener must answer 200. No curl or wget in this image, and a
# second JVM (java -cp wsc.jar ...) would cost a JVM start and ~50 MB every interval, so bash's
# /dev/tcp speaks the one HTTP request (exec form: /bin/sh is dash, which has no /dev/tcp). The port
# is WSC_PORT's (8080 by default); a gateway listens on 8000 and a node with TLS speaks https, so
# deploy/compose.yaml overrides this check for the gateway. /ready is not used: it is 503 while a
# node starts or drains, which is not a reason to call it unhealthy.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${WSC_PORT:-8080} && printf 'GET /health HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && IFS= read -r -t 4 status <&3 && [[ $status == 'HTTP/1.1 200'* ]]"]

# sh -c so that JAVA_OPTS (e.g. -Xmx2g -XX:MaxRAMPercentage=75) is split into JVM options, then
# `exec` so that java is PID 1's replacement and receives SIGTERM itself (graceful drain: /ready
# turns 503, clients get `reconnect`, exit within shutdown-timeout). The arguments after the image
# name (or CMD) reach wsc as "$@": `docker run IMAGE gateway --redis ...`.
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /opt/wsc/wsc.jar \"$@\"", "--"]
CMD ["node"]
