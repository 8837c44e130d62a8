package dev.cortado.cli;

import dev.cortado.train.EpochResult;
import dev.cortado.train.Trainer;
import dev.cortado.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 */
final class TrainingPlot implements TrainingListener {
    private static final Logger LOG = LogManager.getLogger(TrainingPlot.class);

    /** Renders a chart to a PNG file; a seam so that tests can make drawing fail. */
    @FunctionalInterface
    interface PngWriter {
        void write(Path file, JFreeChart chart) throws IOException;
    }

    private final Path file;
    private final String title;
    private final PngWriter png;
    private boolean broken;
    private final XYSeries trainLoss = new XYSeries("training loss");
    private final XYSeries validationLoss = new XYSeries("validation loss");
    private final XYSeries trainAccuracy = new XYSeries("training accuracy");
    private final XYSeries validationAccuracy = new XYSeries("validation accuracy");

    TrainingPlot(Path file, String title) {
        this(file, title, (f, chart) -> ChartUtils.saveChartAsPNG(f.toFile(), chart, 900, 650));
    }

    TrainingPlot(Path file, String title, PngWriter png) {
        this.file = file;
        this.title = title;
        this.png = png;
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
        int epoch = r.epoch() + 1;
        trainLoss.addOrUpdate(epoch, r.trainLoss());
        trainAccuracy.addOrUpdate(epoch, 100 * r.trainAccuracy());
        if (r.validation() != null) {
            validationLoss.addOrUpdate(epoch, r.validation().loss());
            validationAccuracy.addOrUpdate(epoch, 100 * r.validation().top1());
        }
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
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            png.write(tmp, chart);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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
        return new XYPlot(data, null, axis, new XYLineAndShapeRenderer(true, true));
    }
}
