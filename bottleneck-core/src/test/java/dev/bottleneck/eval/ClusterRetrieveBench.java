package dev.bottleneck.eval;

import dev.bottleneck.data.DataHome;
import dev.bottleneck.data.IdxFiles;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Timings of issue 10's evaluation library at MNIST size (not a JUnit test: run it by hand, see
 * {@code bench/cluster_retrieve.sh}). Needs MNIST cached under {@link DataHome}.
 *
 * <p>Usage: {@code ClusterRetrieveBench [kmeans|retrieve|all]}.
 */
public final class ClusterRetrieveBench {

    private ClusterRetrieveBench() {}

    public static void main(String[] args) {
        String what = args.length > 0 ? args[0] : "all";
        Path dir = DataHome.resolve(null).resolve("mnist");
        float[] train = pixels(dir.resolve("train-images-idx3-ubyte"));
        int[] trainLabels = IdxFiles.readLabels(dir.resolve("train-labels-idx1-ubyte"));
        float[] test = pixels(dir.resolve("t10k-images-idx3-ubyte"));
        int[] testLabels = IdxFiles.readLabels(dir.resolve("t10k-labels-idx1-ubyte"));
        int n = trainLabels.length;
        int m = testLabels.length;
        int d = train.length / n;
        System.out.printf(Locale.ROOT, "threads: %d (common pool parallelism %d)%n",
                Runtime.getRuntime().availableProcessors(), java.util.concurrent.ForkJoinPool.getCommonPoolParallelism());
        if (what.equals("kmeans") || what.equals("all")) {
            for (int restarts : new int[] {1, KMeans.DEFAULT_RESTARTS}) {
                long t = System.nanoTime();
                KMeans.Result r = KMeans.of(10, 0).withRestarts(restarts).fit(train, n);
                double s = (System.nanoTime() - t) / 1e9;
                ClusteringMetrics cm = ClusteringMetrics.of(r.assignments(), trainLabels);
                System.out.printf(Locale.ROOT,
                        "k-means 60000x784 k=10 restarts=%d: %.2f s, %d iterations (kept run), inertia %.1f, "
                                + "acc %.4f nmi %.4f ari %.4f%n",
                        restarts, s, r.iterations(), r.inertia(), cm.accuracy(), cm.nmi(), cm.ari());
            }
        }
        if (what.equals("retrieve") || what.equals("all")) {
            for (int bits : new int[] {16, 32, 64}) {
                long t = System.nanoTime();
                RandomHyperplaneLsh lsh = RandomHyperplaneLsh.fit(train, n, bits, 0);
                BinaryCodes lshDb = lsh.encode(train, n);
                BinaryCodes lshQ = lsh.encode(test, m);
                double tLsh = (System.nanoTime() - t) / 1e9;
                t = System.nanoTime();
                PcaItq itq = PcaItq.fit(train, n, bits, 0);
                double tItqFit = (System.nanoTime() - t) / 1e9;
                BinaryCodes itqDb = itq.encode(train, n);
                BinaryCodes itqQ = itq.encode(test, m);
                t = System.nanoTime();
                HammingRetrieval.Result a = HammingRetrieval.evaluate(lshQ, testLabels, lshDb, trainLabels, 100);
                double tMap = (System.nanoTime() - t) / 1e9;
                HammingRetrieval.Result b = HammingRetrieval.evaluate(itqQ, testLabels, itqDb, trainLabels, 100);
                System.out.printf(Locale.ROOT,
                        "%d bits: LSH fit+encode %.2f s, mAP %.4f P@100 %.4f | ITQ fit %.2f s, mAP %.4f P@100 %.4f | "
                                + "one mAP evaluation (10000 x 60000) %.2f s%n",
                        bits, tLsh, a.meanAveragePrecision(), a.precisionAtK(), tItqFit,
                        b.meanAveragePrecision(), b.precisionAtK(), tMap);
            }
        }
    }

    private static float[] pixels(Path file) {
        IdxFiles.Images im = IdxFiles.readPixels(file);
        float[] x = new float[im.pixels().length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (im.pixels()[i] & 0xff) / 255f;
        }
        return x;
    }
}
