package io.wscluster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wscluster.testkit.RawHttp;
import io.wscluster.testkit.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A gateway takes its operator key from a file, as nodes do: what a secret mounted in a container gives it. */
class GatewayKeyFileIT {
    @TempDir
    Path dir;

    @Test
    void theKeyOfWscApiKeyFileOpensTheGatewaysMetrics() throws Exception {
        Path key = dir.resolve("wsc_api_key");
        Files.writeString(key, "s3cret\n");
        try (RedisServer redis = RedisServer.start(); NodeProcesses processes = new NodeProcesses()) {
            NodeProcesses.GatewayUrls gateway = processes.startGateway(Map.of("WSC_API_KEY_FILE", key.toString(),
                    "WSC_REDIS", redis.url()));
            assertThat(RawHttp.send(gateway.httpUrl(), "GET", "/metrics").status()).as("without the key").isEqualTo(401);
            assertThat(RawHttp.send(gateway.httpUrl(), "GET", "/metrics", "Authorization: Bearer s3cret").status()).isEqualTo(200);
        }
    }
}
