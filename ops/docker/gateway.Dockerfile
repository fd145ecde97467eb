# The gateway image used by ops/compose and ops/k8s. Build from the repository root after `ops/respool build`:
#   docker build -f ops/docker/gateway.Dockerfile -t respool/gateway:0.1.0 .
# The launcher (ops/bin/respool-gateway) finds the image's Java under /opt/java.
FROM eclipse-temurin:21-jre
RUN useradd --system --uid 10001 --home-dir /var/lib/respool --create-home respool
COPY ops/lib/java.sh /opt/respool/lib/java.sh
COPY ops/bin/respool-gateway /opt/respool/bin/respool-gateway
COPY gateway/target/respool-gateway.jar /opt/respool/lib/respool-gateway.jar
USER 10001
ENV RESPOOL_HOME=/var/lib/respool
EXPOSE 8080 2222 5701
ENTRYPOINT ["/opt/respool/bin/respool-gateway"]
