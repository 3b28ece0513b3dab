package io.wscluster.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

/**
 * The arrows of design.md and docs/architecture.md, checked on the compiled main classes of every
 * module (the cli's classpath holds them all): no cycle between packages, and the hub never
 * reaching into failover, the transport or Redis.
 */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.wscluster");

    /** Each package is a slice of its own, the root package included. */
    private static final SliceAssignment BY_PACKAGE = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(com.tngtech.archunit.core.domain.JavaClass c) {
            return SliceIdentifier.of(c.getPackageName());
        }

        @Override
        public String getDescription() {
            return "packages of io.wscluster";
        }
    };

    @Test
    void everyModuleIsImported() {
        for (String p : new String[] {"io.wscluster", "io.wscluster.protocol", "io.wscluster.codec", "io.wscluster.hub", "io.wscluster.transport", "io.wscluster.redis",
                "io.wscluster.gateway", "io.wscluster.client", "io.wscluster.loadtest", "io.wscluster.cli"}) {
            assertThat(MAIN.containPackage(p)).as("classes of " + p + " imported").isTrue();
        }
    }

    @Test
    void noPackageCycle() {
        slices().assignedFrom(BY_PACKAGE).should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void theHubHoldsLocalStateOnly() {
        noClasses().that().resideInAPackage("io.wscluster.hub")
                .should().dependOnClassesThat().resideInAnyPackage("io.wscluster.failover..", "io.wscluster.transport..",
                        "io.wscluster.redis..", "io.netty.channel..", "io.lettuce..")
                .check(MAIN);
    }

    /** What the SDK and the node share needs nothing but the JDK: it is all an SDK user gets of the node. */
    @Test
    void theProtocolNeedsOnlyTheJdk() {
        noClasses().that().resideInAPackage("io.wscluster.protocol..")
                .should().dependOnClassesThat().resideOutsideOfPackages("io.wscluster.protocol..", "java..")
                .check(MAIN);
    }

    @Test
    void coreHasNoSocketsAndNoRedis() {
        noClasses().that().resideInAnyPackage("io.wscluster.protocol..", "io.wscluster.codec..", "io.wscluster.hub..", "io.wscluster.bus..",
                        "io.wscluster.history..", "io.wscluster.presence..", "io.wscluster.cluster..", "io.wscluster.routing..",
                        "io.wscluster.failover..", "io.wscluster.security..", "io.wscluster.metrics..", "io.wscluster.resources..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty.channel..", "io.lettuce..", "io.wscluster.redis..",
                        "io.wscluster.transport..", "java.net.http..", "com.sun.net.httpserver..")
                .check(MAIN);
    }
}
