package io.wscluster.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportJsonTest {
    @TempDir
    Path dir;

    @Test
    void theDocumentedTopLevelFieldsArePresent() {
        Reports b = Reports.typical();
        b.serverCpuMicros = 250_000;
        JsonNode json = ReportJson.toJson(b.build());
        for (String field : new String[] {"connections", "success_rate", "delivered_per_sec", "sent_per_sec", "mb_per_sec",
                "lost", "duplicates", "out_of_order", "errors", "server_cpu_us_per_delivery", "timeline", "histograms"}) {
            assertThat(json.has(field)).as(field).isTrue();
        }
        for (String latency : new String[] {"connect_latency_ms", "message_latency_ms"}) {
            for (String p : new String[] {"p50", "p95", "p99", "p999", "max"}) {
                assertThat(json.path(latency).has(p)).as(latency + "." + p).isTrue();
            }
        }
        assertThat(json.path("message_latency_ms").path("max").asDouble()).isEqualTo(100.0, org.assertj.core.data.Offset.offset(0.1));
        assertThat(json.path("server_cpu_us_per_delivery").asDouble()).isEqualTo(2.5);
    }

    @Test
    void aReportSurvivesTheRoundTripWithExactHistograms() throws IOException {
        Reports b = Reports.typical();
        b.serverCpuMicros = 123; // under a millisecond: must not be lost
        b.errors.put("error forbidden", 3L);
        RunReport original = b.build();
        Path file = dir.resolve("r.json");
        ReportJson.write(original, file);
        RunReport back = ReportJson.read(file);
        assertThat(back.messageLatency()).isEqualTo(original.messageLatency());
        assertThat(back.connectLatency()).isEqualTo(original.connectLatency());
        assertThat(back.rooms()).isEqualTo(original.rooms());
        assertThat(back.timeline()).isEqualTo(original.timeline());
        assertThat(back.errors()).isEqualTo(original.errors());
        assertThat(back.serverCpuMicros()).isEqualTo(123);
        assertThat(back.lost()).isEqualTo(original.lost());
        assertThat(back.delivered()).isEqualTo(original.delivered());
    }

    @Test
    void mergingAddsCountsAndHistogramsAndCompletesRoomAccounting() {
        Reports publisherSide = Reports.empty();
        publisherSide.durationSeconds = 10;
        publisherSide.sent = 50;
        publisherSide.rooms.put("r", new RoomTally(0, 0, 0, 50));
        Reports subscriberSide = Reports.typical();
        subscriberSide.rooms.clear();
        subscriberSide.rooms.put("r", new RoomTally(10, 0, 495, 0));
        RunReport merged = publisherSide.build().merge(subscriberSide.build());
        assertThat(merged.expected()).isEqualTo(500);
        assertThat(merged.lost()).isEqualTo(5);
        assertThat(merged.sent()).isEqualTo(subscriberSide.sent + 50);
        assertThat(merged.messageLatency().getTotalCount()).isEqualTo(subscriberSide.messageLatency.getTotalCount());
        assertThat(merged.durationSeconds()).isEqualTo(10);
    }

    @Test
    void aFileThatIsNoReportIsAClearError() throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"hello\":1}");
        assertThatThrownBy(() -> ReportJson.read(file)).isInstanceOf(IOException.class).hasMessageContaining("not a wsc loadtest report");
    }
}
