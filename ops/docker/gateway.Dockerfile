# The gateway image used by ops/compose and ops/k8s. Build from the repository root after `ops/respool build`:
#   docker build -f ops/docker/gateway.Dockerfile -t respool/gateway:0.1.0 .
# With no image registry, on the Java runtime ops/docker/local-images.sh builds from this machine's JDK:
#   docker build --build-arg JAVA_BASE=respool/java:local-… -f ops/docker/gateway.Dockerfile -t respool/gateway:0.1.0 .
# The launcher (ops/bin/respool-gateway) finds the image's Java under /opt/java. Only these three files are sent
# to the daemon (the repository's .dockerignore).
ARG JAVA_BASE=eclipse-temurin:21-jre
FROM ${JAVA_BASE}
# the system user by hand rather than useradd, which the busybox-based local runtime does not have
RUN echo 'respool:x:10001:10001:ResPool:/var/lib/respool:/sbin/nologin' >> /etc/passwd \
  && echo 'respool:x:10001:' >> /etc/group \
  && mkdir -p /var/lib/respool && chown 10001:10001 /var/lib/respool
COPY ops/lib/java.sh /opt/respool/lib/java.sh
COPY ops/bin/respool-gateway /opt/respool/bin/respool-gateway
COPY gateway/target/respool-gateway.jar /opt/respool/lib/respool-gateway.jar
USER 10001
ENV RESPOOL_HOME=/var/lib/respool
EXPOSE 8080 2222 5701
ENTRYPOINT ["/opt/respool/bin/respool-gateway"]
