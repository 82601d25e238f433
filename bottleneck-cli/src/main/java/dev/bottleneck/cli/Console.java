package dev.bottleneck.cli;

import dev.bottleneck.app.TrainingRun;
import dev.bottleneck.data.FetchProgress;
import dev.bottleneck.train.EpochResult;
import dev.bottleneck.train.TrainingListener;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Human output on standard error: step messages, progress bars (only on a terminal and without
 * {@code --quiet}), and one line per epoch. Results that scripts read go to standard output
 * elsewhere.
 */
final class Console implements TrainingRun.Steps {

    private final PrintWriter err;
    private final boolean quiet;
    private final boolean bars;

    Console(PrintWriter err, boolean quiet) {
        this.err = err;
        this.quiet = quiet;
        this.bars = !quiet && System.console() != null && !"dumb".equals(System.getenv("TERM"));
    }

    @Override
    public void step(String message) {
        if (!quiet) {
            err.println("* " + message);
            err.flush();
        }
    }

    /**
     * @param message a line to print unless quiet
     */
    void info(String message) {
        if (!quiet) {
            err.println(message);
            err.flush();
        }
    }

    /** @return whether progress bars are drawn */
    boolean bars() {
        return bars;
    }

    private ProgressBar bar(String task, long max, String unit, long unitSize) {
        ProgressBarBuilder b = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(max)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .setMaxRenderedLength(100)
                .setConsumer(new ConsoleProgressBarConsumer(new PrintStream(System.err, true), 100))
                .clearDisplayOnFinish();
        if (unit != null) {
            b.setUnit(unit, unitSize);
        }
        return b.build();
    }

    /**
     * A progress counter for a long computation: a bar on a terminal; otherwise a line {@code "*
     * task: 30% (3,000/10,000), 42 s"} at every tenth; nothing when quiet.
     *
     * @param task what is counted, e.g. "NLL, 5000 samples per image"
     * @param total the count at the end
     * @return receives the count done so far (non-decreasing)
     */
    java.util.function.IntConsumer counter(String task, int total) {
        if (quiet) {
            return done -> { };
        }
        long t0 = System.nanoTime();
        if (bars) {
            ProgressBar pb = bar(task, total, null, 1);
            return done -> {
                pb.stepTo(done);
                if (done >= total) {
                    pb.close();
                }
            };
        }
        int[] nextTenth = {1};
        return done -> {
            while (nextTenth[0] <= 10 && (long) done * 10 >= (long) nextTenth[0] * total) {
                err.println(String.format(Locale.ROOT, "* %s: %d%% (%,d/%,d), %.0f s", task, nextTenth[0] * 10, done, total,
                        (System.nanoTime() - t0) / 1e9));
                err.flush();
                nextTenth[0]++;
            }
        };
    }

    /** @return a download progress receiver (a bar of MiB on a terminal, nothing otherwise) */
    FetchProgress fetchProgress() {
        if (!bars) {
            return FetchProgress.NONE;
        }
        return new FetchProgress() {
            private ProgressBar pb;
            private String current;

            @Override
            public void update(String what, long done, long total) {
                if (!what.equals(current)) {
                    if (pb != null) {
                        pb.close();
                    }
                    current = what;
                    pb = bar(what, total > 0 ? total : -1, " MiB", 1 << 20);
                }
                pb.stepTo(done);
                if (total > 0 && done >= total) {
                    pb.close();
                    pb = null;
                    current = null;
                }
            }
        };
    }

    /**
     * @param r an epoch
     * @return the named loss terms of a model with several (test terms if there are, else
     *     training terms), e.g. {@code "  [test recon 75.1  kl 25.3  elbo -100.4]"}; empty otherwise
     */
    static String terms(EpochResult r) {
        java.util.Map<String, Double> t = r.testTerms() != null ? r.testTerms() : r.trainTerms();
        if (t == null || t.size() < 2) {
            return "";
        }
        StringBuilder s = new StringBuilder("  [").append(r.testTerms() != null ? "test" : "train");
        t.forEach((k, v) -> s.append(String.format(Locale.ROOT, " %s %.4g", k, v)));
        return s.append(']').toString();
    }

    /** @return a training listener: a bar per epoch on a terminal, and one line per epoch */
    TrainingListener trainingListener() {
        return new TrainingListener() {
            private ProgressBar pb;
            private int lastEpoch;
            private int batches;

            @Override
            public void onTrainStart(int firstEpoch, int last, int batchesPerEpoch) {
                lastEpoch = last;
                batches = batchesPerEpoch;
            }

            @Override
            public void onBatchEnd(int epoch, int batch, double loss, double samplesPerSecond) {
                if (!bars) {
                    return;
                }
                if (pb == null) {
                    pb = bar(String.format("epoch %d/%d", epoch, lastEpoch), batches, null, 1);
                }
                pb.stepTo(batch);
                if (batch % 10 == 0 || batch == batches) {
                    pb.setExtraMessage(String.format(Locale.ROOT, " loss %.4g  %,.0f samples/s", loss, samplesPerSecond));
                }
            }

            @Override
            public void onEpochEnd(EpochResult r) {
                if (pb != null) {
                    pb.close();
                    pb = null;
                }
                info(String.format(Locale.ROOT, "epoch %s  train %.5g%s  %.1f s  %,.0f samples/s%s",
                        lastEpoch == Integer.MAX_VALUE ? String.valueOf(r.epoch()) : r.epoch() + "/" + lastEpoch, r.trainLoss(),
                        r.testLoss() == null ? "" : String.format(Locale.ROOT, "  test %.5g", r.testLoss()),
                        r.trainSeconds(), r.samplesPerSecond(), terms(r))
                        + (r.metrics() != null && r.metrics().get("clipped_steps") != null
                                ? String.format(Locale.ROOT, "  clipped %.1f%% of steps (gradient norm mean %.3g, max %.3g)",
                                        100 * r.metrics().get("clipped_steps"), r.metrics().get("grad_norm_mean"), r.metrics().get("grad_norm_max"))
                                : ""));
            }
        };
    }

    /**
     * A progress bar over the bytes of a file being read (only on a terminal and without
     * {@code --quiet}).
     *
     * @param task the bar's name
     * @param totalBytes the file size
     * @return receives the bytes read so far; close it when done
     */
    ByteProgress byteProgress(String task, long totalBytes) {
        return new ByteProgress(bars ? bar(task, Math.max(1, totalBytes >> 20), " MiB", 1) : null);
    }

    /** Progress over bytes; a no-op without a bar. */
    static final class ByteProgress implements java.util.function.LongConsumer, AutoCloseable {
        private final ProgressBar pb;

        ByteProgress(ProgressBar pb) {
            this.pb = pb;
        }

        @Override
        public void accept(long bytes) {
            if (pb != null) {
                pb.stepTo(bytes >> 20);
            }
        }

        @Override
        public void close() {
            if (pb != null) {
                pb.close();
            }
        }
    }
}
