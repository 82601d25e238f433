package dev.bottleneck.codec;

import dev.bottleneck.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rANS coder: exact round trips, a coded length at the ideal one under its tables, the same
 * bytes on every run and thread, and errors (not wrong symbols) for truncated or altered data.
 */
class RansTest {

    /** A discretized Laplace density over 0..size-1 centred on size/2, as a latent channel has. */
    private static double[] laplace(int size, double scale) {
        double[] p = new double[size];
        for (int i = 0; i < size; i++) {
            p[i] = Math.exp(-Math.abs(i - size / 2) / scale);
        }
        return p;
    }

    private static int draw(double[] p, SplittableRandom r) {
        double sum = Arrays.stream(p).sum();
        double u = r.nextDouble() * sum;
        for (int i = 0; i < p.length; i++) {
            u -= p[i];
            if (u < 0) {
                return i;
            }
        }
        return p.length - 1;
    }

    /** 16 channels with their own densities, 50,000 symbols drawn from them. */
    private record Case(int[] symbols, int[] table, FrequencyTable[] tables, double entropyBits) {}

    private static Case channels(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        int channels = 16;
        double[][] p = new double[channels][];
        FrequencyTable[] tables = new FrequencyTable[channels];
        for (int c = 0; c < channels; c++) {
            p[c] = laplace(33, 0.3 + c * 0.4);
            tables[c] = FrequencyTable.of(p[c], 16);
        }
        int[] symbols = new int[n];
        int[] table = new int[n];
        double ideal = 0;
        for (int i = 0; i < n; i++) {
            table[i] = i % channels;
            symbols[i] = draw(p[table[i]], r);
            double sum = Arrays.stream(p[table[i]]).sum();
            ideal -= Math.log(p[table[i]][symbols[i]] / sum) / Math.log(2);
        }
        return new Case(symbols, table, tables, ideal);
    }

    @Test
    void roundTripsExactlyAndCodesWithinOnePercentOfTheModelsEstimate() {
        Case c = channels(1, 50_000);
        byte[] coded = Rans.encode(c.symbols(), c.table(), c.tables());
        assertThat(Rans.decode(coded, c.table(), c.tables())).containsExactly(c.symbols());
        double tableBits = Rans.bits(c.symbols(), c.table(), c.tables());
        // the coded length against the density's own estimate (-log2 p, before quantizing to 16 bits)
        assertThat(coded.length * 8.0).isLessThanOrEqualTo(c.entropyBits() * 1.01 + 64);
        assertThat(coded.length * 8.0).isLessThanOrEqualTo(tableBits * 1.01 + 64).isGreaterThan(tableBits * 0.99);
    }

    @Test
    void theSameSymbolsGiveTheSameBytesOnEveryRunAndThread() throws Exception {
        Case c = channels(2, 20_000);
        byte[] first = Rans.encode(c.symbols(), c.table(), c.tables());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            java.util.List<Future<byte[]>> runs = new java.util.ArrayList<>();
            for (int k = 0; k < 8; k++) {
                runs.add(pool.submit(() -> Rans.encode(c.symbols(), c.table(), c.tables())));
            }
            for (Future<byte[]> f : runs) {
                assertThat(f.get()).isEqualTo(first);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void edgeCasesRoundTrip() {
        FrequencyTable coin = FrequencyTable.of(new double[] {1, 1}, 1);
        FrequencyTable skewed = FrequencyTable.of(new double[] {1e-12, 1, 0}, 16);
        assertThat(skewed.freq(0)).isEqualTo(1);
        assertThat(skewed.freq(2)).as("an impossible symbol can still be coded").isEqualTo(1);
        FrequencyTable[] tables = {coin, skewed};
        for (int[] symbols : new int[][] {{}, {1}, {0, 2, 2, 0, 1}}) {
            int[] table = new int[symbols.length];
            Arrays.fill(table, symbols.length == 1 ? 0 : 1);
            byte[] coded = Rans.encode(symbols, table, tables);
            assertThat(Rans.decode(coded, table, tables)).containsExactly(symbols);
        }
        // a long run of the improbable symbol makes the buffer grow many times
        int[] rare = new int[100_000];
        Arrays.fill(rare, 2);
        int[] table = new int[rare.length];
        Arrays.fill(table, 1);
        byte[] coded = Rans.encode(rare, table, tables);
        assertThat(coded.length).isGreaterThan(100_000 * 15 / 8);
        assertThat(Rans.decode(coded, table, tables)).containsExactly(rare);
    }

    @Test
    void truncatedOrAlteredDataIsAnErrorNotOtherSymbols() {
        Case c = channels(3, 5_000);
        byte[] coded = Rans.encode(c.symbols(), c.table(), c.tables());
        assertThatThrownBy(() -> Rans.decode(Arrays.copyOf(coded, coded.length - 1), c.table(), c.tables()))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> Rans.decode(Arrays.copyOf(coded, 3), c.table(), c.tables())).isInstanceOf(InvalidInputException.class);
        byte[] longer = Arrays.copyOf(coded, coded.length + 1);
        assertThatThrownBy(() -> Rans.decode(longer, c.table(), c.tables())).hasMessageContaining("left over");
        SplittableRandom r = new SplittableRandom(4);
        int caught = 0;
        for (int trial = 0; trial < 200; trial++) {
            byte[] bad = coded.clone();
            int at = r.nextInt(bad.length);
            bad[at] ^= (byte) (1 << r.nextInt(8));
            try {
                int[] got = Rans.decode(bad, c.table(), c.tables());
                assertThat(got).as("a flipped bit that decodes must not claim the original").isNotEqualTo(c.symbols());
            } catch (InvalidInputException e) {
                caught++;
            }
        }
        assertThat(caught).isEqualTo(200);
        assertThatThrownBy(() -> Rans.encode(new int[] {5}, new int[] {0}, new FrequencyTable[] {FrequencyTable.of(new double[] {1, 1}, 4)}))
                .hasMessageContaining("outside");
    }

    @Test
    void badDistributionsAreRefused() {
        assertThatThrownBy(() -> FrequencyTable.of(new double[0], 16)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> FrequencyTable.of(new double[] {0, 0}, 16)).hasMessageContaining("sum to 0");
        assertThatThrownBy(() -> FrequencyTable.of(new double[] {1, Double.NaN}, 16)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> FrequencyTable.of(new double[5], 2)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> FrequencyTable.of(new double[] {1}, 17)).hasMessageContaining("precision");
        FrequencyTable t = FrequencyTable.of(laplace(9, 1), 12);
        int total = 0;
        for (int s = 0; s < t.size(); s++) {
            assertThat(t.start(s)).isEqualTo(total);
            total += t.freq(s);
        }
        assertThat(total).isEqualTo(1 << 12);
    }
}
