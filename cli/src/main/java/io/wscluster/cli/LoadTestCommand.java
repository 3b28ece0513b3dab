package io.wscluster.cli;

import io.wscluster.config.Values;
import io.wscluster.loadtest.LoadTest;
import io.wscluster.loadtest.LoadTestOptions;
import io.wscluster.loadtest.ReportHtml;
import io.wscluster.loadtest.ReportJson;
import io.wscluster.loadtest.ReportTable;
import io.wscluster.loadtest.RunReport;
import io.wscluster.loadtest.Scenario;
import io.wscluster.loadtest.Slo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wsc loadtest}: runs a scenario against one or more nodes and reports what it measured. */
@Command(name = "loadtest", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Open many WebSocket connections, run a scenario, and report latency, throughput and loss.",
                "Exit status: 0 done, 1 an --slo target missed, 2 bad options or a run the machine cannot hold."},
        subcommands = LoadTestCommand.Merge.class)
public final class LoadTestCommand implements Callable<Integer> {

    @Option(names = "--url", paramLabel = "<ws-url>", description = "Target WebSocket URL; repeat for several nodes (connections go round robin). Default: " + LoadTestOptions.DEFAULT_URL + ".")
    List<String> urls = new ArrayList<>();

    @Option(names = "--scenario", paramLabel = "<name>", defaultValue = "idle", description = "idle, fanout, rooms, p2p, broadcast, churn or reconnect-storm. Default: ${DEFAULT-VALUE}.")
    String scenario;

    @Option(names = "--connections", paramLabel = "<n>", defaultValue = "" + LoadTestOptions.DEFAULT_CONNECTIONS, description = "Virtual users, one connection each. Default: ${DEFAULT-VALUE}.")
    int connections;

    @Option(names = "--connect-rate", paramLabel = "<per-sec>", defaultValue = "" + LoadTestOptions.DEFAULT_CONNECT_RATE, description = "New connections per second while connecting. Default: ${DEFAULT-VALUE}.")
    int connectRate;

    @Option(names = "--duration", paramLabel = "<time>", defaultValue = "60s", description = "The measured phase, after all connections are open (e.g. 30s, 5m). Default: ${DEFAULT-VALUE}.")
    String duration;

    @Option(names = "--rate", paramLabel = "<per-sec>", defaultValue = "" + LoadTestOptions.DEFAULT_RATE, description = "Messages published per second in total. Default: ${DEFAULT-VALUE}.")
    int rate;

    @Option(names = "--publishers", paramLabel = "<n>", defaultValue = "" + LoadTestOptions.DEFAULT_PUBLISHERS, description = "Connections that publish. Default: ${DEFAULT-VALUE}.")
    int publishers;

    @Option(names = "--payload-size", paramLabel = "<bytes>", defaultValue = "" + LoadTestOptions.DEFAULT_PAYLOAD_SIZE, description = "Padding bytes per message (e.g. 100, 1KiB). Default: ${DEFAULT-VALUE}.")
    String payloadSize;

    @Option(names = "--rooms", paramLabel = "<n>", defaultValue = "" + LoadTestOptions.DEFAULT_ROOMS, description = "Rooms of fanout and reconnect-storm. Default: ${DEFAULT-VALUE}.")
    int rooms;

    @Option(names = "--room-size", paramLabel = "<n>", defaultValue = "" + LoadTestOptions.DEFAULT_ROOM_SIZE, description = "Members per room in the rooms scenario. Default: ${DEFAULT-VALUE}.")
    int roomSize;

    @Option(names = "--churn-rate", paramLabel = "<per-sec>", defaultValue = "" + LoadTestOptions.DEFAULT_CHURN_RATE, description = "Connections closed and reopened per second (churn). Default: ${DEFAULT-VALUE}.")
    int churnRate;

    @Option(names = "--storm-share", paramLabel = "<0..1>", defaultValue = "" + LoadTestOptions.DEFAULT_STORM_SHARE, description = "Share of subscribers dropped at once (reconnect-storm). Default: ${DEFAULT-VALUE}.")
    double stormShare;

    @Option(names = "--subprotocol", paramLabel = "<json|msgpack>", defaultValue = "json", description = "Encoding. Default: ${DEFAULT-VALUE}.")
    String subprotocol;

    @Option(names = "--compression", description = "Offer permessage-deflate.")
    boolean compression;

    @Option(names = "--jwt-secret", paramLabel = "<secret>", description = "Sign a token per virtual user (sub = u<index>); needed by p2p.")
    String jwtSecret;

    @Option(names = "--source-ips", paramLabel = "<range>", description = "Local addresses to spread connections over, e.g. 127.0.0.2-127.0.0.60 (repeatable).")
    List<String> sourceIps = new ArrayList<>();

    @Option(names = "--workers", paramLabel = "<n>", defaultValue = "0", description = "Processes to split connections over; 0 chooses from the open-files limit. Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--server-pid", paramLabel = "<pid>", description = "Process of the system under test on this machine, for CPU per delivery (repeatable).")
    List<Long> serverPids = new ArrayList<>();

    @Option(names = "--drain", paramLabel = "<time>", defaultValue = "2s", description = "Wait for messages in flight after publishing stops. Default: ${DEFAULT-VALUE}.")
    String drain;

    @Option(names = "--report-json", paramLabel = "<file>", description = "Write the full report, histograms included, as JSON.")
    Path reportJson;

    @Option(names = "--report-html", paramLabel = "<file>", description = "Write a self-contained HTML report with charts.")
    Path reportHtml;

    @Option(names = "--slo", paramLabel = "<targets>", description = "Targets, e.g. p99<10ms,loss=0,success>=99.9%%; exit status 1 when one is missed.")
    String slo;

    @Override
    public Integer call() throws Exception {
        LoadTestOptions options;
        Slo targets;
        try {
            options = LoadTestOptions.builder()
                    .urls(urls.isEmpty() ? List.of(LoadTestOptions.DEFAULT_URL) : urls)
                    .scenario(Scenario.parse(scenario))
                    .connections(connections).connectRate(connectRate).duration(Values.duration(duration))
                    .rate(rate).publishers(publishers).payloadSize(Values.size(payloadSize)).rooms(rooms).roomSize(roomSize)
                    .churnRate(churnRate).stormShare(stormShare).encoding(subprotocol).compression(compression)
                    .jwtSecret(jwtSecret).sourceIps(sourceIps).workers(workers).serverPids(serverPids)
                    .drain(Values.duration(drain))
                    .build();
            targets = slo == null ? null : Slo.parse(slo);
        } catch (IllegalArgumentException e) {
            System.err.println("wsc loadtest: " + e.getMessage());
            return 2;
        }
        RunReport report;
        try {
            report = LoadTest.run(options, System.err::println);
        } catch (IllegalStateException e) {
            System.err.println("wsc loadtest: " + e.getMessage());
            return 2;
        }
        return finish(report, reportJson, reportHtml, targets);
    }

    /** Prints the table, writes the files asked for, and checks the targets. */
    static int finish(RunReport report, Path json, Path html, Slo targets) throws IOException {
        System.out.println(ReportTable.render(report));
        if (json != null) {
            ReportJson.write(report, json);
            System.out.println("report written to " + json);
        }
        if (html != null) {
            ReportHtml.write(report, html);
            System.out.println("HTML report written to " + html);
        }
        if (targets != null) {
            List<String> missed = targets.violations(report);
            if (!missed.isEmpty()) {
                missed.forEach(m -> System.out.println("SLO missed: " + m));
                return 1;
            }
            System.out.println("SLO met");
        }
        return 0;
    }

    /** {@code wsc loadtest merge}: one report from runs made side by side on several machines. */
    @Command(name = "merge", mixinStandardHelpOptions = true,
            description = "Merge --report-json files of runs made at the same time (e.g. from several machines) into one report.")
    static final class Merge implements Callable<Integer> {
        @picocli.CommandLine.Parameters(paramLabel = "<report.json>", arity = "1..*", description = "Reports to merge.")
        List<Path> files;

        @Option(names = "--report-json", paramLabel = "<file>", description = "Write the merged report as JSON.")
        Path reportJson;

        @Option(names = "--report-html", paramLabel = "<file>", description = "Write the merged report as HTML.")
        Path reportHtml;

        @Option(names = "--slo", paramLabel = "<targets>", description = "Targets to check on the merged report.")
        String slo;

        @Override
        public Integer call() throws Exception {
            RunReport merged = null;
            Slo targets;
            try {
                targets = slo == null ? null : Slo.parse(slo);
                for (Path f : files) {
                    RunReport r = ReportJson.read(f);
                    merged = merged == null ? r : merged.merge(r);
                }
            } catch (IllegalArgumentException | IOException e) {
                System.err.println("wsc loadtest merge: " + e.getMessage());
                return 2;
            }
            return finish(merged, reportJson, reportHtml, targets);
        }
    }
}
