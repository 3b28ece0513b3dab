package io.wscluster.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportHtmlTest {

    @Test
    void writesOneFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("report.html");

        ReportHtml.write(Reports.typical().build(), file);

        assertThat(Files.readString(file)).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
    }

    @Test
    void isSelfContained() {
        String sut = ReportHtml.render(Reports.typical().build());

        assertThat(sut).doesNotContain("http://", "https://", "<script", "<link", "url(", "<img", "@import");
    }

    @Test
    void hasHeaderSummaryAndThreeCharts() {
        String sut = ReportHtml.render(Reports.typical().build());

        assertThat(sut).contains("<h1>wsc loadtest: fanout</h1>", "2023-11-14 22:13:20 UTC",
                "<code>ws://127.0.0.1:8080/ws</code>", "<td>message latency</td>", "p99 99.0 ms");
        assertThat(count(sut, "<svg")).isEqualTo(3);
        assertThat(sut).contains(">p50</text>", ">p99</text>", ">max</text>", ">delivered/s</text>", ">sent/s</text>");
        assertThat(sut).contains(">0%</text>", ">90%</text>", ">99%</text>", ">99.9%</text>");
        assertThat(sut).contains(">10k</text>", ">0</text>", ">second of the run</text>", ">latency (ms)</text>");
        assertThat(sut).doesNotContain("no messages in this run", "NaN", "Infinity");
    }

    @Test
    void escapesEveryStringFromTheReport() {
        Reports b = Reports.typical();
        b.urls = List.of("ws://evil/<script>alert(1)</script>");
        b.scenario = "fan\"out & <b>";
        b.errors.put("closed by server: 4000 <img src=x onerror=alert(1)>", 1L);

        String sut = ReportHtml.render(b.build());

        assertThat(sut).contains("ws://evil/&lt;script&gt;alert(1)&lt;/script&gt;", "fan&quot;out &amp; &lt;b&gt;",
                "&lt;img src=x onerror=alert(1)&gt;");
        assertThat(sut).doesNotContain("<script", "<b>", "<img");
    }

    @Test
    void anEmptyRunSaysSoInsteadOfCharts(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("empty.html");

        ReportHtml.write(Reports.empty().build(), file);

        String sut = Files.readString(file);
        assertThat(sut).contains("no messages in this run", "no timeline in this run", "</html>").doesNotContain("<svg");
    }

    @Test
    void aTimelineWithoutMessagesStillShowsThroughput() {
        Reports b = Reports.empty();
        b.timeline.add(new Sample(0, 0, 0, 0, 0, 0, 0));

        String sut = ReportHtml.render(b.build());

        assertThat(sut).contains("no messages in this run").doesNotContain("NaN", "Infinity");
        assertThat(count(sut, "<svg")).isEqualTo(1);
    }

    @Test
    void aSingleLatencyValueDrawsADistribution() {
        Reports b = Reports.typical();
        b.messageLatency = Reports.histogram();
        b.messageLatency.recordValue(1_500);

        String sut = ReportHtml.render(b.build());

        assertThat(sut).contains(">99.9%</text>").doesNotContain("NaN", "Infinity");
    }

    @Test
    void ticksAreRoundAndCoverTheData() {
        assertThat(ReportHtml.ticks(0, 97, ReportHtml::number)).extracting(ReportHtml.Tick::label)
                .containsExactly("0", "20", "40", "60", "80", "100");
        assertThat(ReportHtml.ticks(-2, 9, ReportHtml::number)).extracting(ReportHtml.Tick::label)
                .containsExactly("-2", "0", "2", "4", "6", "8", "10");
        assertThat(ReportHtml.ticks(0, 0.55, ReportHtml::number)).extracting(ReportHtml.Tick::label)
                .containsExactly("0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6");
        assertThat(ReportHtml.ticks(3, 3, ReportHtml::number)).hasSizeGreaterThan(1);
    }

    @Test
    void timeAxesSpanExactlyTheData() {
        ReportHtml.Axis sut = ReportHtml.Axis.tight("s", -3, 119, ReportHtml::number);

        assertThat(sut.from()).isEqualTo(-3);
        assertThat(sut.to()).isEqualTo(119);
        assertThat(sut.ticks()).extracting(ReportHtml.Tick::label).containsExactly("0", "20", "40", "60", "80", "100");
    }

    @Test
    void escapesMarkupCharacters() {
        assertThat(ReportHtml.esc("<a href=\"x\">'&'</a>")).isEqualTo("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
