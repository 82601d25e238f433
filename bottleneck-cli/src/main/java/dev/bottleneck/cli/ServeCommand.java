package dev.bottleneck.cli;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.server.BottleneckServer;
import dev.bottleneck.server.ServeOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bottleneck serve}: the models over HTTP (JSON API, metrics) and the web page, until the
 * process is stopped (Ctrl-C). The library side is {@link BottleneckServer}.
 */
@Command(
        name = "serve",
        description = {
            "Serve models over HTTP: a JSON API and an interactive web page.",
            "",
            "Per model NAME (its directory's name): /api/models/NAME/{info,encode,decode,reconstruct,",
            "score,sample,neighbours,analyze,map,interpolate}; /health, /metrics. Examples go in as a PNG",
            "body, a .npy array or JSON {\"images\": [[...]]}; answers are JSON, or PNG / .npy with",
            "?format=png|npy. Open the printed address in a browser to draw digits, watch the",
            "reconstruction, code, anomaly score and nearest training images, explore the latent map",
            "and move sliders over the code. Binds to 127.0.0.1 unless --host says otherwise.",
        },
        sortOptions = false,
        footer = {
            "",
            "Examples:",
            "  ./bottleneck serve runs/quickstart --port 8080",
            "  curl -s --data-binary @digit.png -H 'Content-Type: image/png' \\",
            "       localhost:8080/api/models/quickstart/encode",
            "  BOTTLENECK_TOKEN=s3cret ./bottleneck serve runs/quickstart runs/vae --host 0.0.0.0",
        })
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(arity = "1..*", paramLabel = "MODEL_DIR", description = "Model directories to serve (runs/NAME ...).")
    List<Path> modelDirs;

    @Option(names = "--port", paramLabel = "P", defaultValue = "8080", description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = ServeOptions.LOOPBACK,
            description = "Address to bind (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Require 'Authorization: Bearer TOKEN' on /api and /metrics. Default: the BOTTLENECK_TOKEN "
                    + "environment variable, else none.")
    String token;

    @Option(names = "--max-body", paramLabel = "SIZE", defaultValue = "16M",
            description = "Largest request body, bytes with an optional K or M suffix (default: ${DEFAULT-VALUE}); larger gets 413.")
    String maxBody;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "1024",
            description = "Most examples or codes in one request (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--map-points", paramLabel = "N", defaultValue = "2000",
            description = "Test examples on the page's latent map (default: ${DEFAULT-VALUE}; 0: no map).")
    int mapPoints;

    @Option(names = "--neighbours", paramLabel = "N", defaultValue = "10000",
            description = "Training examples searched for nearest neighbours, and used for code statistics, the sampler of a "
                    + "model without a prior and the threshold of a model without anomaly.json (default: ${DEFAULT-VALUE}).")
    int neighbours;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Dataset cache (default: ~/.cache/bottleneck/datasets).")
    Path dataDir;

    @Override
    public Integer call() throws InterruptedException {
        common.apply();
        if (port < 0 || port > 65535) {
            throw new InvalidInputException("--port " + port + " is out of range 0..65535");
        }
        if (maxBatch < 1 || mapPoints < 0 || neighbours < 0) {
            throw new InvalidInputException("--max-batch must be at least 1, --map-points and --neighbours at least 0");
        }
        String t = token != null ? token : System.getenv("BOTTLENECK_TOKEN");
        ServeOptions o = new ServeOptions(modelDirs, host, port, t, parseBytes(maxBody), maxBatch, mapPoints, neighbours, dataDir);
        Console console = new Console(spec.commandLine().getErr(), common.quiet);
        console.step("opening " + modelDirs.size() + " model" + (modelDirs.size() == 1 ? "" : "s")
                + " and preparing the page's data (map, neighbours)");
        BottleneckServer server = BottleneckServer.start(o);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "bottleneck-serve-stop"));
        String names = String.join(", ", server.models().keySet());
        // the address goes to stdout (a script reads it), the chatter to stderr
        spec.commandLine().getOut().println(server.url());
        spec.commandLine().getOut().flush();
        console.info("serving " + names + " at " + server.url() + (t != null ? " (token required)" : "") + "; Ctrl-C stops");
        for (var m : server.models().values()) {
            Object notes = m.info().get("notes");
            if (notes != null) {
                console.info(m.name() + ": " + notes);
            }
        }
        stopped.await();
        return Main.OK;
    }

    /**
     * @param text e.g. {@code 16M}, {@code 512K}, {@code 1000}
     * @return bytes
     * @throws InvalidInputException for anything else
     */
    static long parseBytes(String text) {
        String s = text.strip().toUpperCase(Locale.ROOT);
        long mult = 1;
        if (s.endsWith("K") || s.endsWith("M") || s.endsWith("G")) {
            mult = s.endsWith("K") ? 1L << 10 : s.endsWith("M") ? 1L << 20 : 1L << 30;
            s = s.substring(0, s.length() - 1);
        }
        try {
            long v = Long.parseLong(s) * mult;
            if (v < 1) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new InvalidInputException("--max-body '" + text + "' is not a size such as 16M, 512K or 100000");
        }
    }
}
