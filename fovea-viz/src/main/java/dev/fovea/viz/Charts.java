package dev.fovea.viz;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/** The report charts, drawn by JFreeChart: learning curves, a probability bar chart, a confusion matrix. */
public final class Charts {
    private static final Color TRAIN = new Color(0x1F, 0x77, 0xB4);
    private static final Color TRAIN_LIGHT = new Color(0x1F, 0x77, 0xB4, 0x66);
    private static final Color VALIDATION = new Color(0xFF, 0x7F, 0x0E);

    private Charts() {}

    /** A named curve: x (epochs, may be fractional) against y. */
    public record Series(String name, double[] x, double[] y) {}

    /**
     * Training against validation for one metric. Series are drawn in order: the first (if
     * {@code runningFirst}) as a thin line of running means within epochs, the rest as lines
     * with a marker at each epoch.
     */
    public static BufferedImage curves(String title, String metric, List<Series> series, boolean runningFirst, int width, int height) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Series s : series) {
            XYSeries xy = new XYSeries(s.name(), false, true);
            for (int i = 0; i < s.x().length; i++) xy.add(s.x()[i], s.y()[i]);
            data.addSeries(xy);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "epoch", metric, data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        style(chart);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < series.size(); i++) {
            boolean running = runningFirst && i == 0;
            boolean validation = series.get(i).name().startsWith("validation");
            r.setSeriesPaint(i, running ? TRAIN_LIGHT : validation ? VALIDATION : TRAIN);
            r.setSeriesShapesVisible(i, !running);
            r.setSeriesStroke(i, new BasicStroke(running ? 1.2f : 2.2f));
        }
        plot.setRenderer(r);
        NumberAxis x = (NumberAxis) plot.getDomainAxis();
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        x.setLowerBound(0);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(metric.contains("accuracy"));
        return chart.createBufferedImage(width, height);
    }

    /** Horizontal bars of each class's probability, the highlighted class in a stronger colour. */
    public static BufferedImage probabilities(String title, List<String> classNames, float[] probs, int highlight, int width, int height) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (int i = 0; i < probs.length; i++) data.addValue(probs[i], "probability", label(classNames, i));
        JFreeChart chart = ChartFactory.createBarChart(title, null, "probability", data, PlotOrientation.HORIZONTAL, false, false, false);
        style(chart);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.getRangeAxis().setRange(0, 1);
        BarRenderer r = new BarRenderer() {
            @Override public Paint getItemPaint(int row, int column) {
                return column == highlight ? VALIDATION : TRAIN;
            }
        };
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        plot.setRenderer(r);
        return chart.createBufferedImage(width, height);
    }

    /**
     * The confusion matrix: rows true classes, columns predicted; each cell coloured by the share
     * of its row (so a rare class is as readable as a common one) and labelled with its count.
     */
    public static BufferedImage confusion(String title, List<String> classNames, int[][] counts, int width, int height) {
        int k = counts.length;
        double[] xs = new double[k * k], ys = new double[k * k], zs = new double[k * k];
        JFreeChart chart;
        DefaultXYZDataset data = new DefaultXYZDataset();
        double[] rowShare = new double[k * k];
        for (int t = 0; t < k; t++) {
            long row = 0;
            for (int p = 0; p < k; p++) row += counts[t][p];
            for (int p = 0; p < k; p++) {
                int i = t * k + p;
                xs[i] = p;
                ys[i] = t;
                zs[i] = row == 0 ? 0 : (double) counts[t][p] / row;
                rowShare[i] = zs[i];
            }
        }
        data.addSeries("share of true class", new double[][] {xs, ys, zs});
        String[] names = new String[k];
        for (int i = 0; i < k; i++) names[i] = label(classNames, i);
        SymbolAxis predicted = new SymbolAxis("predicted class", names);
        predicted.setVerticalTickLabels(true);
        SymbolAxis actual = new SymbolAxis("true class", names);
        actual.setInverted(true);
        for (SymbolAxis a : new SymbolAxis[] {predicted, actual}) {
            a.setGridBandsVisible(false);
            a.setLowerMargin(0);
            a.setUpperMargin(0);
            a.setRange(-0.5, k - 0.5);
        }
        XYBlockRenderer r = new XYBlockRenderer();
        PaintScale scale = new ViridisScale();
        r.setPaintScale(scale);
        XYPlot plot = new XYPlot(data, predicted, actual, r);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, k > 20 ? 8 : 11);
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                XYTextAnnotation a = new XYTextAnnotation(Integer.toString(counts[t][p]), p, t);
                a.setFont(font);
                a.setPaint(rowShare[t * k + p] > 0.6 ? Color.BLACK : Color.WHITE);
                plot.addAnnotation(a);
            }
        }
        chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        NumberAxis legendAxis = new NumberAxis("share of the true class");
        legendAxis.setRange(0, 1);
        PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setMargin(4, 4, 40, 4);
        chart.addSubtitle(legend);
        style(chart);
        return chart.createBufferedImage(width, height);
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(new Color(0xF7, 0xF7, 0xF7));
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
    }

    private static String label(List<String> classNames, int i) {
        return i < classNames.size() ? classNames.get(i) : String.format(Locale.ROOT, "%d", i);
    }

    /** Viridis over [0, 1] for JFreeChart. */
    private static final class ViridisScale implements PaintScale {
        @Override public double getLowerBound() { return 0; }
        @Override public double getUpperBound() { return 1; }
        @Override public Paint getPaint(double value) { return new Color(ColorMap.VIRIDIS.rgb(value)); }
    }
}
