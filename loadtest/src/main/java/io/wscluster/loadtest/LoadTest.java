package io.wscluster.loadtest;

import java.util.function.Consumer;

/**
 * Runs a load test: checks the machine can hold it, then runs it in this process or, when one
 * process may not open enough sockets, in several worker processes whose figures it combines live.
 *
 * <pre>{@code
 * RunReport r = LoadTest.run(LoadTestOptions.builder().url("ws://127.0.0.1:8080/ws")
 *         .scenario(Scenario.FANOUT).connections(1000).rate(100).duration(Duration.ofSeconds(30)).build(),
 *         System.err::println);
 * System.out.println(ReportTable.render(r));
 * }</pre>
 */
public final class LoadTest {
    private LoadTest() {
    }

    /**
     * @param progress receives one line a second while the run goes on
     * @throws IllegalStateException with a one-line reason and its fix when the run cannot fit
     */
    public static RunReport run(LoadTestOptions options, Consumer<String> progress) throws InterruptedException {
        int workers;
        try {
            workers = Preflight.workers(options);
        } catch (Preflight.Refused e) {
            throw new IllegalStateException(e.getMessage());
        }
        if (workers == 1) {
            return new Engine(options, s -> progress.accept(ProgressLine.format(s))).run(() -> { });
        }
        progress.accept("splitting " + options.connections() + " connections over " + workers
                + " worker processes (open-files limit " + Preflight.maxOpenFiles() + " per process)");
        return new WorkerPool(options, workers, progress).run();
    }
}
