package io.wscluster.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.ArrayList;
import java.util.List;
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

    /** The SDK stands on the protocol jar, never on core: its users get no node libraries with it. */
    @Test
    void theClientUsesNoCore() {
        classes().that().resideInAPackage("io.wscluster.client..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.wscluster.client..", "io.wscluster.protocol..",
                        "io.wscluster.eventloops..", "io.netty..", "com.fasterxml.jackson..", "java..", "javax.net.ssl..")
                .check(MAIN);
    }

    /**
     * No Netty and no Jackson type in what SDK users see (public and protected members of public
     * classes, their supertypes, generics included): the SDK may change how it talks and reads
     * without changing its API, and users do not meet a library they did not choose.
     */
    @Test
    void theClientsPublicApiShowsNoNettyAndNoJackson() {
        classes().that().resideInAPackage("io.wscluster.client..").and().arePublic()
                .should(new ArchCondition<JavaClass>("show no Netty or Jackson type in their public API") {
                    @Override
                    public void check(JavaClass c, ConditionEvents events) {
                        List<JavaType> shown = new ArrayList<>(c.getInterfaces());
                        if (c.getSuperclass().isPresent()) {
                            shown.add(c.getSuperclass().get());
                        }
                        for (JavaMember m : c.getMembers()) {
                            if (!m.getModifiers().contains(JavaModifier.PUBLIC) && !m.getModifiers().contains(JavaModifier.PROTECTED)) {
                                continue;
                            }
                            if (m instanceof JavaCodeUnit u) {
                                shown.add(u.getReturnType());
                                shown.addAll(u.getParameterTypes());
                            } else if (m instanceof JavaField f) {
                                shown.add(f.getType());
                            }
                        }
                        shown.stream().flatMap(t -> t.getAllInvolvedRawTypes().stream()).map(JavaClass::getName)
                                .filter(n -> n.startsWith("io.netty.") || n.startsWith("com.fasterxml.jackson.")).distinct()
                                .forEach(n -> events.add(SimpleConditionEvent.violated(c, c.getName() + " shows " + n)));
                    }
                })
                .check(MAIN);
    }
}
