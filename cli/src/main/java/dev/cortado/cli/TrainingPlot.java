package dev.cortado.cli;

import dev.cortado.files.AtomicWrite;
import dev.cortado.train.EpochResult;
import dev.cortado.train.MetricsCsvLog;
import dev.cortado.train.Trainer;
import dev.cortado.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Training and validation loss and accuracy per epoch as a PNG, rewritten (atomically) at the end of
 * every epoch so that it can be watched while the run goes on. The plot is a convenience: when it
 * cannot be drawn (a slim JRE whose font manager lacks libharfbuzz or libfreetype, a full disk) the
 * run warns once and goes on without it, since the metrics CSV holds the same numbers.
 *
 * <p>Public so that a program with {@code cortado-cli} on its class path can add it to its own
 * trainer; it stays out of the framework, which must not depend on JFreeChart.
 */
public final class TrainingPlot implements TrainingListener {
    private static final Logger LOG = LogManager.getLogger(TrainingPlot.class);

    /** Renders a chart to a PNG file; a seam so that tests can make drawing fail. */
    @FunctionalInterface
    interface PngWriter {
        void write(Path file, JFreeChart chart) throws IOException;
    }

    private final Path file;
    private final String title;
    /** The run's metrics file, whose earlier epochs a resumed run draws too; null for none. */
    private final Path metrics;
    private final PngWriter png;
    private boolean broken;
    private final XYSeries trainLoss = new XYSeries("training loss");
    private final XYSeries validationLoss = new XYSeries("validation loss");
    private final XYSeries trainAccuracy = new XYSeries("training accuracy");
    private final XYSeries validationAccuracy = new XYSeries("validation accuracy");

    /** A plot written to {@code file}; {@code metrics} is the run's {@link MetricsCsvLog} file, or null. */
    public TrainingPlot(Path file, String title, Path metrics) {
        this(file, title, metrics, (f, chart) -> ChartUtils.saveChartAsPNG(f.toFile(), chart, 900, 650));
    }

    TrainingPlot(Path file, String title, Path metrics, PngWriter png) {
        this.file = file;
        this.title = title;
        this.metrics = metrics;
        this.png = png;
    }

    /** A resumed run's plot shows the whole run: the epochs before the resume come from the metrics file. */
    @Override
    public void onTrainingStart(Trainer trainer) {
        addEarlierEpochs(trainer.position().epoch());
    }

    /** The first {@code completed} epochs, from the metrics file. */
    void addEarlierEpochs(int completed) {
        if (metrics == null || completed == 0) {
            return;
        }
        try {
            for (MetricsCsvLog.Row r : MetricsCsvLog.read(metrics)) {
                if (r.epoch() <= completed) {
                    add(r.epoch(), r.trainLoss(), r.trainAccuracy(), r.validationLoss(), r.validationAccuracy());
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot read the earlier epochs from {} ({}); the plot shows the resumed epochs only", metrics,
                    e.getMessage());
        }
    }

    @Override
    public void onEpochEnd(Trainer trainer, EpochResult r) {
        add(r);
        if (broken) {
            return;
        }
        try {
            write();
        } catch (UncheckedIOException | LinkageError e) {
            broken = true;
            LOG.warn("cannot draw the training plot {} ({}); training goes on without it, the metrics CSV has the"
                    + " same numbers", file, e.getMessage());
        }
    }

    void add(EpochResult r) {
        add(r.epoch() + 1, r.trainLoss(), r.trainAccuracy(), r.validation() == null ? Double.NaN : r.validation().loss(),
                r.validation() == null ? Double.NaN : r.validation().top1());
    }

    private void add(int epoch, double loss, double accuracy, double validationLossValue, double validationTop1) {
        trainLoss.addOrUpdate(epoch, loss);
        trainAccuracy.addOrUpdate(epoch, 100 * accuracy);
        if (!Double.isNaN(validationTop1)) {
            validationLoss.addOrUpdate(epoch, validationLossValue);
            validationAccuracy.addOrUpdate(epoch, 100 * validationTop1);
        }
    }

    /** The epochs drawn so far. */
    int epochs() {
        return trainLoss.getItemCount();
    }

    void write() {
        NumberAxis epochAxis = new NumberAxis("epoch");
        epochAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochAxis);
        plot.add(panel("loss", trainLoss, validationLoss));
        plot.add(panel("accuracy (%)", trainAccuracy, validationAccuracy));
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicWrite.write(file, tmp -> png.write(tmp, chart));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training plot " + file + ": " + e.getMessage(), e);
        }
    }

    private static XYPlot panel(String label, XYSeries train, XYSeries validation) {
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(train);
        data.addSeries(validation);
        NumberAxis axis = new NumberAxis(label);
        axis.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, true);
        // JFreeChart's second default colour is a pale yellow that vanishes on white.
        lines.setSeriesPaint(0, new java.awt.Color(0x1f, 0x77, 0xb4));
        lines.setSeriesPaint(1, new java.awt.Color(0xd6, 0x27, 0x28));
        return new XYPlot(data, null, axis, lines);
    }
}
