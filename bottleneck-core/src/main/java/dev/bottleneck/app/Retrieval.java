package dev.bottleneck.app;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.data.InputScaling;
import dev.bottleneck.eval.BinaryCodes;
import dev.bottleneck.eval.HammingRetrieval;
import dev.bottleneck.eval.PcaItq;
import dev.bottleneck.eval.RandomHyperplaneLsh;
import dev.bottleneck.model.Autoencoder;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Semantic hashing with a binary code (Salakhutdinov and Hinton 2009; issue 10, {@code bottleneck
 * retrieve}): every query is ranked against the database by Hamming distance between codes, and
 * the mean average precision counts as relevant the database items of the query's label; beside
 * random-hyperplane LSH (Charikar 2002) and PCA-ITQ (Gong and Lazebnik 2011) of the same number of
 * bits, fitted on the database's inputs.
 */
public final class Retrieval {

    private Retrieval() {}

    /**
     * One method's figures.
     *
     * @param method e.g. {@code "binary code"}
     * @param bits bits per code
     * @param result mAP and precision at k
     */
    public record Row(String method, int bits, HammingRetrieval.Result result) {
        /** @return the figures as a JSON-ready map */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", method);
            m.put("bits", bits);
            m.put("map", result.meanAveragePrecision());
            m.put("precision_at_" + result.k(), result.precisionAtK());
            return m;
        }
    }

    /**
     * The bits of a binary model for each example.
     *
     * @param model a {@code binary} model
     * @param data the examples (raw units)
     * @param scaling its input scaling
     * @return the packed codes
     * @throws InvalidInputException if the model's code is not binary
     */
    public static BinaryCodes codes(Autoencoder model, Dataset data, InputScaling scaling) {
        if (!(model.latent() instanceof dev.bottleneck.latent.binary.BinaryLatent)) {
            throw new InvalidInputException("a " + model.config().type() + " model has no binary code; retrieve needs --model binary");
        }
        int w = model.codeWidth();
        int[] bits = Codes.encodeIndices(model, data, scaling);
        float[] v = new float[bits.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = bits[i];
        }
        return BinaryCodes.fromThreshold(v, data.size(), 0.5f);
    }

    /**
     * The model's codes and the two baselines, ranked and scored.
     *
     * @param model a binary model
     * @param queries the query examples (labelled)
     * @param database the database examples (labelled)
     * @param scaling the model's input scaling
     * @param k precision at the top k
     * @param seed seeds the baselines
     * @return three rows: the model, PCA-ITQ, LSH
     */
    public static java.util.List<Row> evaluate(Autoencoder model, Dataset queries, Dataset database, InputScaling scaling, int k, long seed) {
        if (!queries.hasLabels() || !database.hasLabels()) {
            throw new InvalidInputException("retrieve needs labels on the queries and the database (relevant = same label)");
        }
        BinaryCodes q = codes(model, queries, scaling);
        BinaryCodes db = codes(model, database, scaling);
        int bits = q.bits();
        java.util.List<Row> rows = new java.util.ArrayList<>();
        rows.add(new Row("binary code (" + model.config().type() + ")", bits,
                HammingRetrieval.evaluate(q, queries.labels(), db, database.labels(), k)));
        float[] dbx = scaling.apply(database);
        float[] qx = scaling.apply(queries);
        PcaItq itq = PcaItq.fit(dbx, database.size(), bits, seed);
        rows.add(new Row("PCA-ITQ", bits, HammingRetrieval.evaluate(itq.encode(qx, queries.size()), queries.labels(),
                itq.encode(dbx, database.size()), database.labels(), k)));
        RandomHyperplaneLsh lsh = RandomHyperplaneLsh.fit(dbx, database.size(), bits, seed);
        rows.add(new Row("random-hyperplane LSH", bits, HammingRetrieval.evaluate(lsh.encode(qx, queries.size()), queries.labels(),
                lsh.encode(dbx, database.size()), database.labels(), k)));
        return rows;
    }
}
