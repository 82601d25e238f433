package dev.bottleneck.server;

import java.nio.file.Path;
import java.util.List;

/**
 * How {@link BottleneckServer} serves its models.
 *
 * @param models model directories (each a {@code runs/NAME} written by {@code train} or {@code
 *     anomaly fit}); served under the directory's file name
 * @param host the address to bind, {@code 127.0.0.1} unless the user asks for another
 * @param port the TCP port; 0 picks a free one ({@link BottleneckServer#port()} tells which)
 * @param token the bearer token every {@code /api} and {@code /metrics} request must carry
 *     ({@code Authorization: Bearer TOKEN}), or {@code null} for none
 * @param maxBodyBytes the largest request body accepted, bytes; larger ones get 413
 * @param maxBatch the most examples (images, rows or codes) one request may carry; more get 400
 * @param mapPoints how many test examples the web page's latent map shows (0: no map)
 * @param neighbourPool how many training examples are searched for nearest neighbours and used to
 *     fit the code statistics, the sampler of models without a prior and the threshold of models
 *     without {@code anomaly.json} (0: none of these)
 * @param dataDir where datasets are cached, or {@code null} for the default
 *     ({@code ~/.cache/bottleneck/datasets})
 */
public record ServeOptions(List<Path> models, String host, int port, String token, long maxBodyBytes, int maxBatch,
                           int mapPoints, int neighbourPool, Path dataDir) {

    /** Default bind address: loopback only. */
    public static final String LOOPBACK = "127.0.0.1";

    /**
     * @throws IllegalArgumentException for no model, a negative size or a port out of range
     */
    public ServeOptions {
        models = List.copyOf(models);
        if (models.isEmpty()) {
            throw new IllegalArgumentException("no model directory to serve");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range 0..65535");
        }
        if (maxBodyBytes < 1 || maxBatch < 1 || mapPoints < 0 || neighbourPool < 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (token != null && token.isBlank()) {
            token = null;
        }
    }

    /**
     * The defaults: loopback, no token, 16 MiB bodies, 1,024 examples a request, 2,000 map points,
     * 10,000 neighbour candidates.
     *
     * @param models the model directories
     * @param port the port
     * @return the options
     */
    public static ServeOptions defaults(List<Path> models, int port) {
        return new ServeOptions(models, LOOPBACK, port, null, 16L << 20, 1024, 2000, 10_000, null);
    }
}
