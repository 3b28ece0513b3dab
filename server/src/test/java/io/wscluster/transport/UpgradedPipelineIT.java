package io.wscluster.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionDecoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.wscluster.NodeFixture;
import io.wscluster.WsCluster;
import io.wscluster.testkit.TestClient;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** After the upgrade a connection carries WebSocket handlers only: no HTTP state per idle connection. */
class UpgradedPipelineIT {
    @RegisterExtension
    final NodeFixture nodes = new NodeFixture();

    @Test
    void noHttpHandlerIsLeftAfterTheUpgrade() throws Exception {
        List<ChannelHandler> plain = handlersAfterUpgrade(TestClient::options);
        assertThat(plain).noneMatch(UpgradedPipelineIT::isHttp);
        assertThat(plain).noneMatch(h -> h instanceof WebSocketExtensionDecoder);
        assertThat(plain.get(plain.size() - 1)).isInstanceOf(FrameHandler.class);
    }

    @Test
    void compressionAddsOnlyTheDeflateCodec() throws Exception {
        List<ChannelHandler> deflate = handlersAfterUpgrade(url -> TestClient.options(url).withCompression());
        assertThat(deflate).noneMatch(UpgradedPipelineIT::isHttp);
        assertThat(deflate).anyMatch(h -> h instanceof WebSocketExtensionDecoder);
    }

    private static boolean isHttp(ChannelHandler h) {
        return h instanceof HttpServerCodec || h instanceof HttpObjectAggregator || h instanceof HttpRouter
                || h instanceof WebSocketServerExtensionHandler;
    }

    private List<ChannelHandler> handlersAfterUpgrade(java.util.function.Function<String, TestClient.Options> options) throws Exception {
        CompletableFuture<List<ChannelHandler>> handlers = new CompletableFuture<>();
        WsCluster node = nodes.start(o -> o,
                b -> b.onConnect(s -> handlers.complete(((WebSocketConnection) s.connection()).pipeline().toMap().values().stream().toList())));
        TestClient c = nodes.connect(options.apply(node.url()));
        c.next("welcome");
        return handlers.get(5, TimeUnit.SECONDS);
    }
}
