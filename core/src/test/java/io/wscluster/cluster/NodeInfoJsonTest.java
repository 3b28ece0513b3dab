package io.wscluster.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NodeInfoJsonTest {

    @Test
    void writesTheFieldNamesOfTheClusterApiAndReadsThemBack() {
        NodeInfo n = new NodeInfo("n1", "ws://h:8080/ws", null, NodeState.DRAINING, 12, 500, 0.5, 0.25, 3.5, 7.0, 0.125, 42L, "http://127.0.0.1:9080");

        String json = NodeInfoJson.write(n);

        assertThat(json).contains("\"state\":\"draining\"", "\"messages_in_per_sec\":3.5",
                "\"messages_out_per_sec\":7.0", "\"error_rate\":0.125", "\"started_at\":42", "\"region\":null");
        assertThat(NodeInfoJson.read(json)).isEqualTo(n);
    }

    @Test
    void rejectsWhatIsNotANodeRecord() {
        assertThatThrownBy(() -> NodeInfoJson.read("{")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeInfoJson.read("{\"url\":\"x\"}")).isInstanceOf(IllegalArgumentException.class);
    }
}
