package io.wscluster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wscluster.testkit.RawHttp;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A node started as Kubernetes starts it in a namespace with a Service {@code wsc} and a Service
 * {@code wsc-redis}: with every variable Kubernetes injects for them. It starts, says once which
 * it left alone, and still takes its real settings from the environment.
 */
class KubernetesEnvironmentIT {
    @Test
    void aNodeStartsBesideTheServiceLinkVariablesOfItsNamespace() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "WSC_SERVICE_HOST", "10.96.0.12", "WSC_SERVICE_PORT", "8080", "WSC_SERVICE_PORT_HTTP", "8080",
                "WSC_PORT", "tcp://10.96.0.12:8080", "WSC_PORT_8080_TCP", "tcp://10.96.0.12:8080",
                "WSC_PORT_8080_TCP_PROTO", "tcp", "WSC_PORT_8080_TCP_PORT", "8080", "WSC_PORT_8080_TCP_ADDR", "10.96.0.12",
                "WSC_REDIS_SERVICE_HOST", "10.96.0.13", "WSC_REDIS_SERVICE_PORT", "6379"));
        env.putAll(Map.of("WSC_REDIS_PORT", "tcp://10.96.0.13:6379", "WSC_REDIS_PORT_6379_TCP", "tcp://10.96.0.13:6379",
                "WSC_REDIS_PORT_6379_TCP_PROTO", "tcp", "WSC_REDIS_PORT_6379_TCP_PORT", "6379", "WSC_REDIS_PORT_6379_TCP_ADDR", "10.96.0.13",
                "WSC_CAPACITY", "1234"));
        try (NodeProcesses nodes = new NodeProcesses()) {
            String url = nodes.startWithDefaults(env, "k8s-1");
            String cluster = RawHttp.send(NodeProcesses.adminUrl(url), "GET", "/api/cluster").body();
            assertThat(cluster).as("WSC_CAPACITY still applies").contains("\"capacity\":1234");
            nodes.get(0).destroy();
            assertThat(nodes.get(0).waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(nodes.output(0)).containsOnlyOnce("Kubernetes service-link variable")
                    .contains("ignoring 15 Kubernetes service-link variable(s)", "WSC_PORT,", "WSC_REDIS_SERVICE_HOST");
        }
    }
}
