package io.wscluster.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.wscluster.NodeOptions;
import io.wscluster.security.JwtTokenVerifier;
import io.wscluster.transport.TransportOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void defaultsHoldWithoutAnySource() {
        NodeOptions o = ConfigLoader.load(null, Map.of(), Map.of(), NodeOptions.defaults());
        assertThat(o.transport().port()).isEqualTo(TransportOptions.DEFAULT_PORT);
        assertThat(o.transport().maxFrameSize()).isEqualTo(64 * 1024);
        assertThat(o.transport().pingInterval()).isEqualTo(Duration.ofSeconds(25));
        assertThat(o.drain().shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.security().allowAnonymous()).isTrue();
    }

    @Test
    void theVariablesKubernetesInjectsForServicesAreLeftAloneAndRealSettingsStillApply() {
        // What a pod gets for a Service "wsc" (port 8080, named http) and a Service "wsc-redis" (6379), as Kubernetes writes them.
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "WSC_SERVICE_HOST", "10.96.0.12", "WSC_SERVICE_PORT", "8080", "WSC_SERVICE_PORT_HTTP", "8080",
                "WSC_PORT", "tcp://10.96.0.12:8080", "WSC_PORT_8080_TCP", "tcp://10.96.0.12:8080",
                "WSC_PORT_8080_TCP_PROTO", "tcp", "WSC_PORT_8080_TCP_PORT", "8080", "WSC_PORT_8080_TCP_ADDR", "10.96.0.12",
                "WSC_REDIS_SERVICE_HOST", "10.96.0.13", "WSC_REDIS_PORT", "tcp://10.96.0.13:6379"));
        env.putAll(Map.of("WSC_REDIS_PORT_6379_TCP_ADDR", "10.96.0.13", "WSC_HISTORY_SIZE", "7"));
        NodeOptions o = ConfigLoader.load(null, env, Map.of(), NodeOptions.defaults());
        assertThat(o.transport().port()).as("WSC_PORT in the tcp:// form is a link").isEqualTo(TransportOptions.DEFAULT_PORT);
        assertThat(o.history().size()).isEqualTo(7);
        // A port setting in its own form still counts, and a typo is still an error.
        assertThat(ConfigLoader.load(null, Map.of("WSC_PORT", "9002"), Map.of(), NodeOptions.defaults()).transport().port()).isEqualTo(9002);
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("WSC_PROT", "9002"), Map.of(), NodeOptions.defaults()))
                .hasMessageContaining("unknown environment variable WSC_PROT");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("WSC_ADMIN_PORT", "udp:/x"), Map.of(), NodeOptions.defaults()))
                .hasMessageContaining("admin-port");
    }

    @Test
    void fileThenEnvironmentThenFlagsEachOverrideTheOneBefore() throws IOException {
        Path file = yaml("port: 9001\nhistory-size: 7\nping-interval: 5s\nmax-frame-size: 128KiB\n");
        NodeOptions fileOnly = ConfigLoader.load(file, Map.of(), Map.of(), NodeOptions.defaults());
        assertThat(fileOnly.transport().port()).isEqualTo(9001);
        assertThat(fileOnly.history().size()).isEqualTo(7);
        assertThat(fileOnly.transport().maxFrameSize()).isEqualTo(128 * 1024);

        NodeOptions withEnv = ConfigLoader.load(file, Map.of("WSC_PORT", "9002", "PATH", "/bin"), Map.of(), NodeOptions.defaults());
        assertThat(withEnv.transport().port()).isEqualTo(9002);
        assertThat(withEnv.history().size()).isEqualTo(7);

        NodeOptions withFlags = ConfigLoader.load(file, Map.of("WSC_PORT", "9002"), Map.of("port", "9003"), NodeOptions.defaults());
        assertThat(withFlags.transport().port()).isEqualTo(9003);
        assertThat(withFlags.transport().pingInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void everySettingHasAnEnvironmentNameAndParsesItsDefaultText() {
        for (Setting s : Settings.ALL) {
            assertThat(s.envName()).startsWith("WSC_").doesNotContain("-");
            assertThat(s.description()).isNotBlank();
        }
        assertThat(Settings.byName("ping-interval").orElseThrow().envName()).isEqualTo("WSC_PING_INTERVAL");
    }

    @Test
    void anUnknownKeyIsAnErrorNamingIt() throws IOException {
        Path file = yaml("prot: 8080\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of(), NodeOptions.defaults()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown setting 'prot'")
                .hasMessageContaining("port");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("WSC_PROT", "1"), Map.of(), NodeOptions.defaults()))
                .hasMessageContaining("WSC_PROT");
    }

    @Test
    void theCommandLineToolsVariablesAreNotTakenForUnknownSettings() {
        NodeOptions o = ConfigLoader.load(null, Map.of("WSC_CA_FILE", "/etc/wsc/ca.pem", "WSC_PORT", "9002"), Map.of(),
                NodeOptions.defaults());
        assertThat(o.transport().port()).isEqualTo(9002);
    }

    @Test
    void aBadValueIsOneLineNamingTheSettingSourceAndValue() throws IOException {
        assertOneLine(() -> ConfigLoader.load(null, Map.of(), Map.of("port", "abc"), NodeOptions.defaults()),
                "port (from --port): 'abc' is not a whole number");
        assertOneLine(() -> ConfigLoader.load(null, Map.of("WSC_PORT", "70000"), Map.of(), NodeOptions.defaults()),
                "port (from WSC_PORT): '70000' is not valid, expected 0 to 65535");
        assertOneLine(() -> ConfigLoader.load(yaml("ping-interval: soon\n"), Map.of(), Map.of(), NodeOptions.defaults()),
                "ping-interval (in ");
        assertOneLine(() -> ConfigLoader.load(null, Map.of(), Map.of("allow-anonymous", "maybe"), NodeOptions.defaults()),
                "allow-anonymous (from --allow-anonymous): 'maybe' is not true or false");
        assertOneLine(() -> ConfigLoader.load(null, Map.of(), Map.of("max-frame-size", "12"), NodeOptions.defaults()),
                "max-frame-size (from --max-frame-size): '12' is not valid, expected at least 1024 bytes");
        assertOneLine(() -> ConfigLoader.load(null, Map.of("WSC_CLIENT_ROOMS_PER_MINUTE", "-1"), Map.of(), NodeOptions.defaults()),
                "client-rooms-per-minute (from WSC_CLIENT_ROOMS_PER_MINUTE): '-1' is not valid, expected 0 (no limit) or more rooms a minute");
        assertOneLine(() -> ConfigLoader.load(null, Map.of(), Map.of("history-max-bytes", "lots"), NodeOptions.defaults()),
                "history-max-bytes (from --history-max-bytes): 'lots' is not a size");
    }

    @Test
    void connectionLimitsTakeNoneForNoExemptionAndNameTheSettingOfABadValue() {
        NodeOptions none = ConfigLoader.load(null, Map.of("WSC_ADDRESS_LIMIT_EXEMPT", "none"), Map.of(), NodeOptions.defaults());
        assertThat(none.security().addressLimits().exempt()).isEmpty();
        assertThat(NodeOptions.defaults().security().addressLimits().exempt()).containsExactly("127.0.0.1", "::1");
        assertOneLine(() -> ConfigLoader.load(null, Map.of(), Map.of("max-connections-per-address", "-1"), NodeOptions.defaults()),
                "max-connections-per-address (from --max-connections-per-address): '-1' is not valid, expected 0 (no limit) or more");
        assertOneLine(() -> ConfigLoader.load(null, Map.of("WSC_CONNECTION_RATE_PER_ADDRESS", "fast"), Map.of(), NodeOptions.defaults()),
                "connection-rate-per-address (from WSC_CONNECTION_RATE_PER_ADDRESS): 'fast' is not a whole number");
        assertOneLine(() -> ConfigLoader.load(null, Map.of(), Map.of("address-limit-exempt", "127.0.0.1,localhost"), NodeOptions.defaults()),
                "address-limit-exempt (from --address-limit-exempt): 'localhost' is not valid, expected an address or CIDR block");
        assertOneLine(() -> ConfigLoader.load(null, Map.of(), Map.of("max-connections-per-user", "-2"), NodeOptions.defaults()),
                "max-connections-per-user (from --max-connections-per-user): '-2' is not valid");
        assertOneLine(() -> ConfigLoader.load(null, Map.of(), Map.of("user-publish-rate", "-3"), NodeOptions.defaults()),
                "user-publish-rate (from --user-publish-rate): '-3' is not valid");
    }

    @Test
    void aMissingOrMalformedFileIsAClearError() throws IOException {
        assertOneLine(() -> ConfigLoader.load(dir.resolve("nope.yaml"), Map.of(), Map.of(), NodeOptions.defaults()), "does not exist");
        assertOneLine(() -> ConfigLoader.load(yaml("port: [1, 2]\n"), Map.of(), Map.of(), NodeOptions.defaults()), "expected a single value");
        assertOneLine(() -> ConfigLoader.load(yaml("- a\n- b\n"), Map.of(), Map.of(), NodeOptions.defaults()), "must be a map");
    }

    @Test
    void namespacesComeFromTheirFileAndLeaveOutWhatTheRoomSettingsSay() throws IOException {
        Path file = yaml("chat:\n  subscribe: authenticated\n  publish: authenticated\nuser:\n  subscribe: granted\n  publish: off\n"
                + "  track-presence: false\n  history-size: 20\n  history-ttl: 1h\n  history-max-bytes: 64KiB\nticker:\n"
                + "  overflow: latest-per-key\n");
        NodeOptions o = ConfigLoader.load(null, Map.of("WSC_ROOM_PRESENCE", "anyone", "WSC_OVERFLOW", "drop-oldest"),
                Map.of("namespaces-file", file.toString()), NodeOptions.defaults());
        io.wscluster.security.RoomPolicy policy = o.security().roomPolicy();
        assertThat(policy.namespaceOf("chat:x").publish()).isEqualTo(io.wscluster.security.RoomAccess.AUTHENTICATED);
        assertThat(policy.namespaceOf("chat:x").presence()).isEqualTo(io.wscluster.security.RoomAccess.ANYONE);
        assertThat(policy.namespaceOf("user:x").publish()).isEqualTo(io.wscluster.security.RoomAccess.OFF);
        assertThat(policy.namespaceOf("user:x").history()).isEqualTo(io.wscluster.security.RoomAccess.GRANTED);
        assertThat(policy.namespaceOf("user:x").trackPresence()).isFalse();
        assertThat(policy.namespaceOf("user:x").historySize()).isEqualTo(20);
        assertThat(policy.namespaceOf("user:x").historyTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(policy.namespaceOf("user:x").historyMaxBytes()).isEqualTo(64 * 1024);
        assertThat(policy.namespaceOf("chat:x").historySize()).as("the node's").isNull();
        assertThat(policy.namespaceOf("lobby").publish()).isEqualTo(io.wscluster.security.RoomAccess.GRANTED);
        assertThat(policy.namespaceOf("ticker:eurusd").overflow()).isEqualTo(io.wscluster.security.OverflowPolicy.LATEST_PER_KEY);
        assertThat(policy.namespaceOf("chat:x").overflow()).as("the node's").isEqualTo(io.wscluster.security.OverflowPolicy.DROP_OLDEST);
    }

    @Test
    void aBadNamespacesFileOrKeyIsOneLine() throws IOException {
        assertOneLine(() -> ConfigLoader.load(null, Map.of(), Map.of("namespaces-file", yaml("chat:\n  publsh: anyone\n").toString()),
                NodeOptions.defaults()), "namespace 'chat': unknown rule 'publsh'");
        assertOneLine(() -> ConfigLoader.load(null, Map.of(), Map.of("namespaces-file", yaml("chat:\n  publish: everyone\n").toString()),
                NodeOptions.defaults()), "publish 'everyone' is not one of off, granted, authenticated, anyone");
        assertOneLine(() -> ConfigLoader.load(null, Map.of(), Map.of("namespaces-file", yaml("chat:\n  overflow: queue\n").toString()),
                NodeOptions.defaults()), "overflow 'queue' is not one of disconnect, drop-oldest, latest-per-key");
        assertOneLine(() -> ConfigLoader.load(null, Map.of(), Map.of("namespaces-file", yaml("a:b:\n  publish: off\n").toString()),
                NodeOptions.defaults()), "without ':'");
        assertOneLine(() -> ConfigLoader.load(null, Map.of(), Map.of("namespaces-file", dir.resolve("missing").toString()),
                NodeOptions.defaults()), "namespaces-file (from --namespaces-file)");
        assertOneLine(() -> ConfigLoader.load(null, Map.of(), Map.of("jwt-public-key-file", yaml("not a key").toString()),
                NodeOptions.defaults()), "no '-----BEGIN PUBLIC KEY-----' block");
        assertOneLine(() -> ConfigLoader.load(null, Map.of(), Map.of("jwt-jwks-url", "ftp://keys"), NodeOptions.defaults()),
                "an http or https URL");
    }

    @Test
    void theTlsFilesGivenAsTwoSettingsGoTogetherFromEverySource() throws IOException {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "read at start, not here");
        Path key = Files.writeString(dir.resolve("key.pem"), "read at start, not here");
        NodeOptions flags = ConfigLoader.load(null, Map.of(), Map.of("tls-cert-file", cert.toString(), "tls-key-file", key.toString()),
                NodeOptions.defaults());
        assertThat(flags.transport().tls().certFile()).isEqualTo(cert);
        assertThat(flags.transport().tls().keyFile()).isEqualTo(key);
        NodeOptions env = ConfigLoader.load(null, Map.of("WSC_TLS_KEY_FILE", key.toString(), "WSC_TLS_CERT_FILE", cert.toString()),
                Map.of(), NodeOptions.defaults());
        assertThat(env.transport().tls().enabled()).isTrue();
        NodeOptions mixed = ConfigLoader.load(yaml("tls-key-file: " + key + "\n"), Map.of(), Map.of("tls-cert-file", cert.toString()),
                NodeOptions.defaults());
        assertThat(mixed.transport().tls().keyFile()).isEqualTo(key);

        assertOneLine(() -> ConfigLoader.load(null, Map.of(), Map.of("tls-cert-file", cert.toString()), NodeOptions.defaults()),
                "tls-key-file: 'none' is not valid, expected given with tls-cert-file");
        assertOneLine(() -> ConfigLoader.load(null, Map.of("WSC_TLS_KEY_FILE", key.toString()), Map.of(), NodeOptions.defaults()),
                "tls-cert-file: 'none' is not valid, expected given with tls-key-file");
        assertOneLine(() -> ConfigLoader.load(null, Map.of(), Map.of("tls-cert-file", cert.toString(), "tls-key-file", key.toString(),
                "tls-self-signed", "true"), NodeOptions.defaults()), "tls-self-signed");
    }

    @Test
    void aPemPublicKeyFileGivesTheKeysThatVerifyRs256AndEs256Tokens() throws Exception {
        KeyPairGenerator rsaKeys = KeyPairGenerator.getInstance("RSA");
        rsaKeys.initialize(2048);
        KeyPair rsa = rsaKeys.generateKeyPair();
        KeyPairGenerator ecKeys = KeyPairGenerator.getInstance("EC");
        ecKeys.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ec = ecKeys.generateKeyPair();
        Path pem = Files.writeString(dir.resolve("keys.pem"), "the identity provider's keys\n" + pem(rsa.getPublic()) + pem(ec.getPublic()));

        NodeOptions o = ConfigLoader.load(null, Map.of("WSC_JWT_PUBLIC_KEY_FILE", pem.toString()), Map.of(), NodeOptions.defaults());
        assertThat(o.security().jwt().publicKeys()).containsExactly(rsa.getPublic(), ec.getPublic());
        assertThat(o.security().allowAnonymous()).as("a key turns anonymous access off").isFalse();
        JwtTokenVerifier verifier = new JwtTokenVerifier(o.security().jwt(), null);
        Instant exp = Instant.now().plusSeconds(600);
        assertThat(verifier.verify(JWT.create().withSubject("alice").withExpiresAt(exp)
                .sign(Algorithm.RSA256((RSAPublicKey) rsa.getPublic(), (RSAPrivateKey) rsa.getPrivate()))).userId()).isEqualTo("alice");
        assertThat(verifier.verify(JWT.create().withSubject("bob").withExpiresAt(exp)
                .sign(Algorithm.ECDSA256((ECPublicKey) ec.getPublic(), (ECPrivateKey) ec.getPrivate()))).userId()).isEqualTo("bob");

        Path privateOnly = Files.writeString(dir.resolve("private.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(rsa.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        assertOneLine(() -> ConfigLoader.load(null, Map.of(), Map.of("jwt-public-key-file", privateOnly.toString()), NodeOptions.defaults()),
                "jwt-public-key-file (from --jwt-public-key-file): '" + privateOnly + "' is no '-----BEGIN PUBLIC KEY-----' block");
    }

    @Test
    void secretsComeFromFilesAndWscVariablesAsWellAsFlags() throws IOException {
        Path jwt = Files.writeString(dir.resolve("jwt"), "  jwt-secret-from-a-file  \nsecond line, ignored\n");
        Path api = Files.writeString(dir.resolve("api"), "api-key-from-a-file\n");
        Path admin = Files.writeString(dir.resolve("admin"), "admin-key-from-a-file");
        NodeOptions files = ConfigLoader.load(yaml("jwt-secret-file: " + jwt + "\napi-key-file: " + api + "\n"),
                Map.of("WSC_ADMIN_KEY_FILE", admin.toString()), Map.of(), NodeOptions.defaults());
        assertThat(files.security().jwt().secret()).isEqualTo("jwt-secret-from-a-file");
        assertThat(files.security().apiKey()).isEqualTo("api-key-from-a-file");
        assertThat(files.security().adminKey()).isEqualTo("admin-key-from-a-file");
        assertThat(files.security().allowAnonymous()).isFalse();

        NodeOptions env = ConfigLoader.load(null, Map.of("WSC_JWT_SECRET", "jwt-from-env", "WSC_API_KEY", "api-from-env",
                "WSC_ADMIN_KEY", "admin-from-env"), Map.of(), NodeOptions.defaults());
        assertThat(env.security().jwt().secret()).isEqualTo("jwt-from-env");
        assertThat(env.security().apiKey()).isEqualTo("api-from-env");
        assertThat(env.security().adminKey()).isEqualTo("admin-from-env");
        NodeOptions flagWins = ConfigLoader.load(null, Map.of("WSC_API_KEY", "api-from-env"), Map.of("api-key-file", api.toString()),
                NodeOptions.defaults());
        assertThat(flagWins.security().apiKey()).isEqualTo("api-key-from-a-file");

        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertOneLine(() -> ConfigLoader.load(null, Map.of("WSC_JWT_SECRET_FILE", empty.toString()), Map.of(), NodeOptions.defaults()),
                "jwt-secret-file (from WSC_JWT_SECRET_FILE): '" + empty + "' is an empty file");
        assertOneLine(() -> ConfigLoader.load(null, Map.of(), Map.of("admin-key-file", dir.resolve("missing").toString()),
                NodeOptions.defaults()), "admin-key-file (from --admin-key-file): '" + dir.resolve("missing") + "' is not a readable file");
        assertOneLine(() -> ConfigLoader.load(null, Map.of("WSC_JWT_SECRET", " "), Map.of(), NodeOptions.defaults()),
                "jwt-secret (from WSC_JWT_SECRET)");
    }

    private static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    private static void assertOneLine(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String fragment) {
        assertThatThrownBy(call).isInstanceOf(ConfigException.class)
                .hasMessageContaining(fragment)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    private Path yaml(String text) throws IOException {
        Path file = Files.createTempFile(dir, "wsc", ".yaml");
        Files.writeString(file, text);
        return file;
    }
}
