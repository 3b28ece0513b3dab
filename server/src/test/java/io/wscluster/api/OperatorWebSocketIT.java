package io.wscluster.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.testkit.TestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The operator listener's WebSocket (the dashboard's live view) and a browser's way in: the key as a Basic password. */
class OperatorWebSocketIT {
    private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString("ops:k".getBytes(StandardCharsets.UTF_8));

    @RegisterExtension
    final NodeFixture fixture = new NodeFixture();

    @Test
    void onlyAnOperatorOfThisOriginOpensIt() throws Exception {
        WsCluster node = fixture.start(o -> o.security(s -> s.apiKey("k")));
        String ws = node.adminUrl().replaceFirst("^http", "ws") + "/ws";
        assertThatThrownBy(() -> TestClient.connect(ws)).isInstanceOfSatisfying(TestClient.Refused.class,
                r -> assertThat(r.status()).isEqualTo(401));
        assertThatThrownBy(() -> TestClient.connect(TestClient.options(ws).withHeaders(Map.of("Authorization", BASIC,
                "Origin", "http://elsewhere.example")))).isInstanceOfSatisfying(TestClient.Refused.class,
                r -> assertThat(r.status()).as("another site's page").isEqualTo(403));
        try (TestClient operator = TestClient.connect(TestClient.options(ws).withHeaders(Map.of("Authorization", BASIC)))) {
            assertThat(operator.next("welcome").path("user").isNull()).isTrue();
        }
        try (TestClient bearer = TestClient.connect(TestClient.options(ws).withBearer("k"))) {
            bearer.next("welcome");
        }
    }

    @Test
    void aBrowserIsAskedForTheKeyAndMayGiveItAsABasicPassword() throws Exception {
        WsCluster node = fixture.start(o -> o.security(s -> s.apiKey("k")));
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> asked = http.send(HttpRequest.newBuilder(URI.create(node.adminUrl() + "/api/cluster")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(asked.statusCode()).isEqualTo(401);
        assertThat(asked.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm="));
        HttpResponse<String> given = http.send(HttpRequest.newBuilder(URI.create(node.adminUrl() + "/api/cluster"))
                .header("Authorization", BASIC).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(given.statusCode()).isEqualTo(200);
        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(node.adminUrl() + "/api/cluster"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("ops:x".getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(401);
    }

    @Test
    void theDashboardIsServedOnTheOperatorListenerBehindTheReadKeyAndNowhereElse() throws Exception {
        WsCluster node = fixture.start(o -> o.security(s -> s.apiKey("k")));
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(node.adminUrl() + "/dashboard"))
                .header("Authorization", BASIC).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("dashboard/dashboard.js", "dashboard/uPlot.iife.min.js");
        for (String file : new String[] {"dashboard.js", "dashboard.css", "uPlot.iife.min.js", "uPlot.min.css", "uPlot.LICENSE"}) {
            HttpResponse<String> f = http.send(HttpRequest.newBuilder(URI.create(node.adminUrl() + "/dashboard/" + file))
                    .header("Authorization", BASIC).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(f.statusCode()).as(file).isEqualTo(200);
        }
        HttpResponse<String> asked = http.send(HttpRequest.newBuilder(URI.create(node.adminUrl() + "/dashboard")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(asked.statusCode()).isEqualTo(401);
        assertThat(asked.headers().firstValue("WWW-Authenticate")).isPresent();
        String publicBase = node.url().replaceFirst("^ws", "http").replaceFirst("/ws$", "");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(publicBase + "/dashboard")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).as("not on the public listener").isEqualTo(404);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(node.adminUrl() + "/dashboard/../pom.xml")).header("Authorization", BASIC)
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
    }
}
