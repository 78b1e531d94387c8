package dev.summarizer.training.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code curves.png}: the run's training loss and evaluation loss against steps, and its ROUGE scores on a second
 * axis, drawn from the logged rows (the Trainer's {@code log_history}) with XChart.
 */
public final class TrainingCurves {
    private static final List<String> ROUGE = List.of("eval_rouge1", "eval_rouge2", "eval_rougeL", "eval_rougeLsum");

    static {
        // Drawn off-screen: no display is needed (a server, CI).
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private TrainingCurves() {}

    /** Draws {@code rows} into {@code file} (replaced only once the new picture is written). */
    public static void draw(List<? extends JsonNode> rows, String title, Path file) throws IOException {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (JsonNode row : rows) {
            double step = row.path("step").asDouble();
            add(series, "training loss", step, row, "loss");
            add(series, "evaluation loss", step, row, "eval_loss");
            for (String rouge : ROUGE) {
                add(series, rouge.substring("eval_".length()), step, row, rouge);
            }
        }
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle("step").yAxisTitle("loss").build();
        chart.getStyler().setPlotGridLinesVisible(true);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendVisible(true);
        chart.setYAxisGroupTitle(1, "ROUGE (F1)");
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        for (var e : series.entrySet()) {
            List<double[]> points = e.getValue();
            if (points.isEmpty()) {
                continue;
            }
            double[] x = points.stream().mapToDouble(p -> p[0]).toArray();
            double[] y = points.stream().mapToDouble(p -> p[1]).toArray();
            XYSeries s = chart.addSeries(e.getKey(), x, y);
            boolean rouge = !e.getKey().endsWith("loss");
            s.setYAxisGroup(rouge ? 1 : 0);
            s.setMarker(e.getKey().equals("training loss") ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        }
        if (chart.getSeriesMap().isEmpty()) {
            return;
        }
        Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".png");
        try {
            BitmapEncoder.saveBitmap(chart, temp.toString(), BitmapEncoder.BitmapFormat.PNG);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void add(Map<String, List<double[]>> series, String name, double step, JsonNode row, String field) {
        List<double[]> points = series.computeIfAbsent(name, n -> new ArrayList<>());
        JsonNode v = row.get(field);
        if (v != null && v.isNumber() && Double.isFinite(v.asDouble())) {
            points.add(new double[] {step, v.asDouble()});
        }
    }
}
