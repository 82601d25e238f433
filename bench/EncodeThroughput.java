import dev.bottleneck.app.Codes;
import dev.bottleneck.app.LoadedModel;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.DataSpec;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.engine.EngineSetup;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * In-process encode throughput, what {@code bottleneck encode} does after start-up: the library's
 * {@code Codes.encode} (batches of 1,000) on a dataset already in memory, in a warm JVM. Prints
 * the best and the median of ROUNDS rounds, images per second. Used by bench/serve.sh.
 *
 * <p>Usage: java -cp "bottleneck-cli/target/bottleneck-cli.jar:bottleneck-cli/target/lib/*" \
 *   -Dai.djl.offline=true bench/EncodeThroughput.java MODEL_DIR DATA [ROUNDS]
 */
public class EncodeThroughput {
    public static void main(String[] a) {
        EngineSetup.ensureApplied();
        int rounds = a.length > 2 ? Integer.parseInt(a[2]) : 5;
        try (LoadedModel lm = LoadedModel.open(Path.of(a[0]))) {
            Dataset d = lm.loadData(DataSpec.parse(a[1]), DataSources.Options.defaults());
            Codes.encode(lm.model(), d, lm.manifest().input().scaling(), null); // warm-up
            double[] ips = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                long t = System.nanoTime();
                Codes.encode(lm.model(), d, lm.manifest().input().scaling(), null);
                ips[r] = d.size() / ((System.nanoTime() - t) / 1e9);
            }
            Arrays.sort(ips);
            System.out.printf(Locale.ROOT, "INPROC images=%d rounds=%d best=%.0f median=%.0f%n", d.size(), rounds, ips[rounds - 1],
                    ips[rounds / 2]);
        }
    }
}
