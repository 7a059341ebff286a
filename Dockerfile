# One image build for every Probr service; pick one with --target (docker-compose.yml does).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY schemas/pom.xml schemas/
COPY local-stack/pom.xml local-stack/
COPY ingest-api/pom.xml ingest-api/
COPY stream-aggregator/pom.xml stream-aggregator/
COPY clickhouse-sink/pom.xml clickhouse-sink/
COPY control-api/pom.xml control-api/
COPY alerting/pom.xml alerting/
COPY pipeline-tests/pom.xml pipeline-tests/
RUN mvn -B -q dependency:go-offline -DexcludeArtifactIds=kafka_2.13 || true
COPY . .
RUN mvn -B -q install -DskipTests

FROM eclipse-temurin:17-jre AS edge
RUN useradd --system --uid 10001 probr
WORKDIR /app
COPY --from=build /src/ingest-api/target/ingest-api.jar /app/
COPY --from=build /src/ingest-api/target/lib /app/lib
USER probr
EXPOSE 8080
# plain HTTP, or HTTPS when PROBR_*_TLS_* is set (the certificate is for the public name, hence -k)
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fsS http://127.0.0.1:8080/healthz || curl -fsSk https://127.0.0.1:8080/healthz
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/ingest-api.jar"]

FROM eclipse-temurin:17-jre AS aggregator
RUN useradd --system --uid 10001 probr && mkdir -p /var/lib/probr && chown probr /var/lib/probr
WORKDIR /app
COPY --from=build /src/stream-aggregator/target/stream-aggregator.jar /app/
COPY --from=build /src/stream-aggregator/target/lib /app/lib
USER probr
ENV PROBR_AGGREGATOR_STATE_DIR=/var/lib/probr/aggregator
EXPOSE 8083
HEALTHCHECK --interval=10s --timeout=3s CMD ["curl", "-fsS", "http://127.0.0.1:8083/healthz"]
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/stream-aggregator.jar"]

FROM eclipse-temurin:17-jre AS sink
RUN useradd --system --uid 10001 probr
WORKDIR /app
COPY --from=build /src/clickhouse-sink/target/clickhouse-sink.jar /app/
COPY --from=build /src/clickhouse-sink/target/lib /app/lib
USER probr
EXPOSE 8082
HEALTHCHECK --interval=10s --timeout=3s CMD ["curl", "-fsS", "http://127.0.0.1:8082/healthz"]
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/clickhouse-sink.jar"]

FROM eclipse-temurin:17-jre AS api
RUN useradd --system --uid 10001 probr
WORKDIR /app
COPY --from=build /src/control-api/target/control-api.jar /app/
COPY --from=build /src/control-api/target/lib /app/lib
USER probr
EXPOSE 8081
# plain HTTP, or HTTPS when PROBR_*_TLS_* is set (the certificate is for the public name, hence -k)
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fsS http://127.0.0.1:8081/healthz || curl -fsSk https://127.0.0.1:8081/healthz
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/control-api.jar"]

FROM eclipse-temurin:17-jre AS alerting
RUN useradd --system --uid 10001 probr && mkdir -p /var/lib/probr && chown probr /var/lib/probr
WORKDIR /app
COPY --from=build /src/alerting/target/alerting.jar /app/
COPY --from=build /src/alerting/target/lib /app/lib
USER probr
ENV PROBR_ALERTING_STATE_DIR=/var/lib/probr/alerting
EXPOSE 8084
HEALTHCHECK --interval=10s --timeout=3s CMD ["curl", "-fsS", "http://127.0.0.1:8084/healthz"]
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/alerting.jar"]
