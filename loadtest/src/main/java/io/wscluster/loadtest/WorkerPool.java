package io.wscluster.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Splits a run over worker processes, each under the open-files limit: starts them with the same
 * Java and class path, hands each its share of the virtual users, starts their measured phases
 * together once all are connected, adds their samples second by second for the progress line, and
 * merges their reports.
 */
final class WorkerPool {
    private final LoadTestOptions options;
    private final int workers;
    private final Consumer<String> progress;
    private final Map<Long, Sample> samples = new TreeMap<>();
    private final Map<Long, Integer> samplesSeen = new TreeMap<>();
    private final Sample[] connecting;

    WorkerPool(LoadTestOptions options, int workers, Consumer<String> progress) {
        this.options = options;
        this.workers = workers;
        this.progress = progress;
        this.connecting = new Sample[workers];
    }

    RunReport run() throws InterruptedException {
        List<Process> processes = new ArrayList<>();
        List<CompletableFuture<RunReport>> reports = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(workers);
        try {
            int first = 0;
            for (int w = 0; w < workers; w++) {
                int count = options.connections() / workers + (w < options.connections() % workers ? 1 : 0);
                Process p = start(count);
                processes.add(p);
                send(p, Worker.JSON.writeValueAsString(options.share(first, count)));
                CompletableFuture<RunReport> report = new CompletableFuture<>();
                reports.add(report);
                int index = w;
                Thread reader = new Thread(() -> read(index, p, ready, report), "loadtest-worker-" + w);
                reader.setDaemon(true);
                reader.start();
                first += count;
            }
            long connectBudget = options.connections() / Math.max(1, options.connectRate()) + 90;
            if (!ready.await(connectBudget, TimeUnit.SECONDS)) {
                throw new IllegalStateException("workers did not finish connecting within " + connectBudget + "s");
            }
            for (Process p : processes) {
                send(p, "go");
            }
            RunReport merged = null;
            long budget = options.durationMillis() / 1000 + options.drainMillis() / 1000 + 120;
            for (CompletableFuture<RunReport> f : reports) {
                RunReport r = f.get(budget, TimeUnit.SECONDS);
                merged = merged == null ? r : merged.merge(r);
            }
            return merged;
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("a worker process failed: " + e.getMessage(), e);
        } finally {
            for (Process p : processes) {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private Process start(int connections) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        long heapMb = Math.max(256, 64 + connections * 8L / 1024);
        return new ProcessBuilder(java, "-Xmx" + heapMb + "m", "-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"),
                Worker.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    private static void send(Process p, String line) throws IOException {
        Writer w = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
        w.write(line + "\n");
        w.flush();
    }

    private void read(int worker, Process p, CountDownLatch ready, CompletableFuture<RunReport> report) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode msg = Worker.JSON.readTree(line);
                switch (msg.path("type").asText()) {
                    case "ready": ready.countDown(); break;
                    case "sample": addSample(worker, Worker.JSON.treeToValue(msg, Sample.class)); break;
                    case "report": report.complete(ReportJson.fromJson(msg.path("report"))); break;
                    default: break;
                }
            }
            report.completeExceptionally(new IOException("worker exited with code " + p.waitFor() + " before its report"));
        } catch (IOException | InterruptedException | RuntimeException e) {
            report.completeExceptionally(e);
        }
    }

    /**
     * While connecting, workers' seconds are not aligned: the line shows the latest of each. Once
     * measuring, a worker's second is added to the others' and printed when every worker sent it.
     */
    private synchronized void addSample(int worker, Sample s) {
        if (s.second() < 0) {
            connecting[worker] = s;
            if (worker == 0) {
                long open = 0;
                for (Sample c : connecting) {
                    open += c == null ? 0 : c.connections();
                }
                progress.accept(ProgressLine.format(new Sample(-1, open, 0, 0, 0, 0, 0)) + " (" + workers + " workers)");
            }
            return;
        }
        Sample sum = samples.merge(s.second(), s, (a, b) -> new Sample(a.second(), a.connections() + b.connections(),
                a.sentPerSec() + b.sentPerSec(), a.deliveredPerSec() + b.deliveredPerSec(),
                Math.max(a.p50Ms(), b.p50Ms()), Math.max(a.p99Ms(), b.p99Ms()), Math.max(a.maxMs(), b.maxMs())));
        if (samplesSeen.merge(s.second(), 1, Integer::sum) == workers) {
            progress.accept(ProgressLine.format(sum) + " (" + workers + " workers)");
        }
    }
}
