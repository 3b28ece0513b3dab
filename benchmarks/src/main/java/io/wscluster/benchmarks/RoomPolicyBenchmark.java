package io.wscluster.benchmarks;

import io.wscluster.security.Namespace;
import io.wscluster.security.NamespaceSpec;
import io.wscluster.security.Principal;
import io.wscluster.security.RoomAccess;
import io.wscluster.security.RoomAction;
import io.wscluster.security.RoomPatterns;
import io.wscluster.security.RoomPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the configured room rules cost on each publish and subscribe: {@link RoomPolicy#refusal}
 * for a room in the default namespace after scanning {@code namespaces} configured ones, where the
 * level lets anyone in, lets users in, or needs a grant matched against a token's patterns (an
 * exact name, or the last of ten wildcard patterns).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar RoomPolicy</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoomPolicyBenchmark {
    @Param({"0", "5"})
    int namespaces;

    private RoomPolicy anyone;
    private RoomPolicy authenticated;
    private RoomPolicy granted;
    private final Principal user = new Principal("alice", 0);
    private final Principal exactGrant = new Principal("alice", 0, RoomPatterns.of(List.of("room-42")), RoomPatterns.of(List.of("room-42")));
    private Principal wildcardGrant;

    @Setup
    public void setup() {
        anyone = policy(RoomAccess.ANYONE, namespaces);
        authenticated = policy(RoomAccess.AUTHENTICATED, namespaces);
        granted = policy(RoomAccess.GRANTED, namespaces);
        wildcardGrant = grantedByTheLastOfTen("room-*");
    }

    /** {@code namespaces} namespaces to scan before the default one, where {@code publish} decides publishing. */
    static RoomPolicy policy(RoomAccess publish, int namespaces) {
        Namespace defaults = new Namespace("", RoomAccess.ANYONE, publish, RoomAccess.ANYONE, RoomAccess.AUTHENTICATED, true);
        Map<String, Namespace> named = new LinkedHashMap<>();
        for (int i = 0; i < namespaces; i++) {
            named.put("ns" + i, new NamespaceSpec("ns" + i, RoomAccess.AUTHENTICATED, null, null, null, null).resolve(defaults));
        }
        return new RoomPolicy(defaults, named);
    }

    /** A user whose token grants nine patterns that do not match, then {@code last}: the slowest match. */
    static Principal grantedByTheLastOfTen(String last) {
        List<String> patterns = new java.util.ArrayList<>();
        for (int i = 0; i < 9; i++) {
            patterns.add("team-" + i + ":*");
        }
        patterns.add(last);
        return new Principal("alice", 0, RoomPatterns.of(patterns), RoomPatterns.of(patterns));
    }

    @Benchmark
    public String publishOpenToAnyone() {
        return anyone.refusal(RoomAction.PUBLISH, user, "room-42", false);
    }

    @Benchmark
    public String publishByAnyUser() {
        return authenticated.refusal(RoomAction.PUBLISH, user, "room-42", false);
    }

    @Benchmark
    public String publishGrantedByName() {
        return granted.refusal(RoomAction.PUBLISH, exactGrant, "room-42", false);
    }

    @Benchmark
    public String publishGrantedByPattern() {
        return granted.refusal(RoomAction.PUBLISH, wildcardGrant, "room-42", false);
    }
}
