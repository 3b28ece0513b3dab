package io.wscluster.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisURI;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisUrlsTest {

    @Test
    void theSchemeSaysTheMode() {
        assertThat(RedisUrls.isCluster("redis://127.0.0.1:6379")).isFalse();
        assertThat(RedisUrls.isCluster("rediss://127.0.0.1:6379")).isFalse();
        assertThat(RedisUrls.isCluster("redis-cluster://127.0.0.1:7000")).isTrue();
        assertThat(RedisUrls.isCluster("rediss-cluster://127.0.0.1:7000")).isTrue();
    }

    @Test
    void validUrls() {
        assertThat(RedisUrls.isValid("redis://127.0.0.1:6379")).isTrue();
        assertThat(RedisUrls.isValid("rediss://h:6380")).isTrue();
        assertThat(RedisUrls.isValid("redis-cluster://a:7000,b:7001")).isTrue();
        assertThat(RedisUrls.isValid("redis-cluster://")).isFalse();
        assertThat(RedisUrls.isValid("redis-sentinel://127.0.0.1:26379,127.0.0.2:26379#main")).isTrue();
        assertThat(RedisUrls.isValid("rediss-sentinel://h:26379#main")).isTrue();
        assertThat(RedisUrls.isValid("redis-sentinel://127.0.0.1:26379")).as("no master name").isFalse();
        assertThat(RedisUrls.isCluster("redis-sentinel://h:26379#main")).isFalse();
        assertThat(RedisUrls.isValid("http://a:7000")).isFalse();
        assertThat(RedisUrls.isValid(null)).isFalse();
    }

    @Test
    void clusterSeedsAreEveryHostWithTheUrlsOptions() {
        List<RedisURI> seeds = RedisUrls.clusterSeeds("redis-cluster://:secret@10.0.0.1:7000,10.0.0.2:7001,10.0.0.3");
        assertThat(seeds).extracting(RedisURI::getHost).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");
        assertThat(seeds).extracting(RedisURI::getPort).containsExactly(7000, 7001, RedisURI.DEFAULT_REDIS_PORT);
        assertThat(seeds).allSatisfy(s -> {
            assertThat(new String(s.getCredentialsProvider().resolveCredentials().block().getPassword())).isEqualTo("secret");
            assertThat(s.isSsl()).isFalse();
        });
        assertThat(RedisUrls.clusterSeeds("rediss-cluster://h:7000")).singleElement().satisfies(s -> assertThat(s.isSsl()).isTrue());
        assertThatThrownBy(() -> RedisUrls.clusterSeeds("redis://h:6379")).isInstanceOf(IllegalArgumentException.class);
    }
}
