package dev.bottleneck.server;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.Messages;
import dev.bottleneck.Version;
import dev.bottleneck.app.Generation;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP server: a JSON API over one or more model directories and the web page at {@code /},
 * on Javalin 7 (Jetty 12). Endpoints, per model {@code M} (its directory's name):
 *
 * <pre>
 * GET  /health                          {"status": "ok", ...}                 (never needs the token)
 * GET  /metrics                         requests, errors, latency percentiles (ms), per route
 * GET  /api/models                      every model's info
 * GET  /api/models/M[/info]             shapes, type, capabilities, threshold, slider ranges
 * POST /api/models/M/encode             examples -> codes (N, K) [+ integer indices (N, W)]
 * POST /api/models/M/decode             {"codes": [[K]]} or {"indices": [[W]]} or .npy -> examples
 * POST /api/models/M/reconstruct        examples -> reconstructions
 * POST /api/models/M/score              examples -> anomaly scores, threshold, flags
 * POST /api/models/M/sample             {"count", "seed", "temperature"} -> new examples and their codes
 * POST /api/models/M/neighbours         one example -> nearest training examples in code space
 * POST /api/models/M/analyze            one image -> code, reconstruction, score, neighbours (the page)
 * GET  /api/models/M/map                2-D map of test codes (PCA when K > 2), labels
 * GET  /api/models/M/map/I              test example I as PNG
 * GET  /api/models/M/train/I            training example I (a neighbour) as PNG
 * POST /api/models/M/interpolate        {"from": I, "to": J, "steps": S} (map points) or {"codes": [a, b]}
 * </pre>
 *
 * Examples come as a PNG body, a {@code .npy} body or JSON (see {@link Inputs}); results are JSON
 * unless {@code ?format=png} / {@code ?format=npy} (or the {@code Accept} header) asks otherwise.
 * Images in JSON answers are raw units ({@code 0..raw_max}), flat per example, or data URLs with
 * {@code ?images=png}. Every error is {@code {"error": "..."}} with status 400 (bad input), 401
 * (token), 404 (unknown model or path), 405 (method), 413 (body too large); 500 is a bug.
 */
public final class BottleneckServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BottleneckServer.class);

    /** Most neighbours or interpolation steps one request may ask for. */
    public static final int MAX_STEPS = 64;

    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();
    private static final String ERROR_WRITTEN = "bottleneck.error";

    private final ServeOptions options;
    private final Map<String, ServedModel> models;
    private final Metrics metrics = new Metrics();
    private final byte[] tokenBytes;
    private Javalin app;

    private BottleneckServer(ServeOptions options, Map<String, ServedModel> models) {
        this.options = options;
        this.models = models;
        this.tokenBytes = options.token() == null ? null : options.token().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Opens every model (names from the directories; the same name twice gets a suffix {@code -2})
     * and starts listening.
     *
     * @param options what to serve and how
     * @return the running server; close it to stop
     * @throws dev.bottleneck.InvalidInputException if a directory is not a model directory
     * @throws BottleneckException if the port cannot be bound
     */
    public static BottleneckServer start(ServeOptions options) {
        dev.bottleneck.engine.EngineSetup.ensureApplied();
        Map<String, ServedModel> models = new LinkedHashMap<>();
        try {
            for (Path dir : options.models()) {
                String base = dir.toAbsolutePath().normalize().getFileName().toString();
                String name = base;
                for (int i = 2; models.containsKey(name); i++) {
                    name = base + "-" + i;
                }
                LOG.info("opening {} as '{}'", dir, name);
                models.put(name, ServedModel.open(name, dir, options));
            }
            BottleneckServer s = new BottleneckServer(options, models);
            s.listen();
            return s;
        } catch (RuntimeException e) {
            models.values().forEach(ServedModel::close);
            throw e;
        }
    }

    /** @return the bound port */
    public int port() {
        return app.port();
    }

    /** @return the page's address, e.g. {@code http://127.0.0.1:8080/} */
    public String url() {
        String h = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return "http://" + h + ":" + port() + "/";
    }

    /** @return the served models by name, in the order given */
    public Map<String, ServedModel> models() {
        return models;
    }

    /** @return the request metrics */
    public Metrics metrics() {
        return metrics;
    }

    private void listen() {
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = options.maxBodyBytes();
            config.http.prefer405over404 = true;
            config.router.ignoreTrailingSlashes = true;
            config.jetty.host = options.host();
            config.jetty.port = options.port();
            config.staticFiles.add(s -> {
                s.hostedPath = "/";
                s.directory = "/web";
                s.location = Location.CLASSPATH;
            });
            config.requestLogger.http((ctx, ms) -> metrics.record(route(ctx), ctx.statusCode(), ms == null ? 0 : ms));
            config.routes.before(this::guard);
            config.routes.get("/health", ctx -> json(ctx, health()));
            config.routes.get("/metrics", ctx -> json(ctx, metrics.snapshot()));
            config.routes.get("/api/models", ctx -> {
                List<Object> l = new ArrayList<>();
                models.values().forEach(m -> l.add(m.info()));
                json(ctx, Map.of("models", l));
            });
            config.routes.get("/api/models/{model}", ctx -> json(ctx, model(ctx).info()));
            config.routes.get("/api/models/{model}/info", ctx -> json(ctx, model(ctx).info()));
            config.routes.post("/api/models/{model}/encode", this::encode);
            config.routes.post("/api/models/{model}/decode", this::decode);
            config.routes.post("/api/models/{model}/reconstruct", this::reconstruct);
            config.routes.post("/api/models/{model}/score", this::score);
            config.routes.post("/api/models/{model}/sample", this::sample);
            config.routes.post("/api/models/{model}/neighbours", this::neighbours);
            config.routes.post("/api/models/{model}/analyze", this::analyze);
            config.routes.get("/api/models/{model}/map", ctx -> json(ctx, model(ctx).map()));
            config.routes.get("/api/models/{model}/map/{index}", ctx -> png(ctx, model(ctx).mapPng(intParam(ctx, "index"))));
            config.routes.get("/api/models/{model}/train/{index}", ctx -> png(ctx, model(ctx).poolPng(intParam(ctx, "index"))));
            config.routes.post("/api/models/{model}/interpolate", this::interpolate);
            config.routes.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), httpMessage(ctx, e)));
            config.routes.exception(InvalidInputException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                if (dev.bottleneck.OutOfMemory.isAllocationFailure(e)) {
                    error(ctx, 503, "out of memory for this request: send fewer examples at once");
                    return;
                }
                LOG.error("internal error on {} {}", ctx.method(), ctx.path(), e);
                error(ctx, 500, "internal error: " + Messages.printable(String.valueOf(e)));
            });
            config.routes.error(404, ctx -> {
                if (ctx.attribute(ERROR_WRITTEN) == null) {
                    error(ctx, 404, noSuchPath(ctx));
                }
            });
            config.routes.error(405, ctx -> {
                if (ctx.attribute(ERROR_WRITTEN) == null) {
                    error(ctx, 405, "method " + ctx.method() + " is not allowed on " + Messages.snippet(ctx.path(), 80));
                }
            });
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            throw new BottleneckException("cannot listen on " + options.host() + ":" + options.port() + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
    }

    // ---------------------------------------------------------------- guards and plumbing

    private void guard(Context ctx) {
        String p = ctx.path();
        boolean api = p.startsWith("/api/") || p.equals("/api") || p.equals("/metrics");
        if (api && tokenBytes != null) {
            String h = ctx.header("Authorization");
            String given = h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).strip() : null;
            if (given == null) {
                ctx.header("WWW-Authenticate", "Bearer");
                throw new ApiException(401, "this server needs a token: send 'Authorization: Bearer TOKEN'");
            }
            if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), tokenBytes)) {
                ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                throw new ApiException(401, "wrong token");
            }
        }
        String len = ctx.header("Content-Length");
        if (len != null) {
            long n;
            try {
                n = Long.parseLong(len.strip());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("Content-Length '" + Messages.snippet(len, 20) + "' is not a number");
            }
            if (n > options.maxBodyBytes()) {
                throw new ApiException(413, "the body has " + n + " bytes; the limit is " + options.maxBodyBytes() + " (serve --max-body)");
            }
        }
    }

    private static String route(Context ctx) {
        try {
            if (ctx.endpoint() != null && ctx.endpoint().path != null && !ctx.endpoint().path.isEmpty()) {
                return ctx.method() + " " + ctx.endpoint().path;
            }
        } catch (RuntimeException e) {
            // no endpoint matched
        }
        String p = ctx.path();
        if (!p.startsWith("/api") && !p.equals("/metrics") && !p.equals("/health") && ctx.statusCode() < 400) {
            return "GET (page files)";
        }
        return ctx.method() + " (no route)";
    }

    private static String httpMessage(Context ctx, HttpResponseException e) {
        if (e.getStatus() == 413) {
            return "the body is larger than the server's limit (serve --max-body)";
        }
        if (e.getStatus() == 404) {
            return noSuchPath(ctx);
        }
        if (e.getStatus() == 405) {
            return "method " + ctx.method() + " is not allowed on " + Messages.snippet(ctx.path(), 80);
        }
        return e.getMessage() == null || e.getMessage().isBlank() ? "HTTP " + e.getStatus() : e.getMessage();
    }

    private static String noSuchPath(Context ctx) {
        return "no such path: " + ctx.method() + " " + Messages.snippet(ctx.path(), 80) + " (GET /api/models lists the models; the page is at /)";
    }

    private static void error(Context ctx, int status, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", message == null ? "error " + status : message);
        m.put("status", status);
        ctx.attribute(ERROR_WRITTEN, Boolean.TRUE);
        ctx.status(status);
        json(ctx, m);
    }

    private static void json(Context ctx, Object body) {
        try {
            ctx.contentType("application/json").result(JSON.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void png(Context ctx, byte[] bytes) {
        ctx.contentType("image/png").header("Cache-Control", "max-age=3600").result(bytes);
    }

    private ServedModel model(Context ctx) {
        String name = ctx.pathParam("model");
        ServedModel m = models.get(name);
        if (m == null) {
            throw new ApiException(404, "no model '" + Messages.snippet(name, 60) + "'; served: " + String.join(", ", models.keySet()));
        }
        return m;
    }

    private static int intParam(Context ctx, String name) {
        String v = ctx.pathParam(name);
        try {
            return Integer.parseInt(v.endsWith(".png") ? v.substring(0, v.length() - 4) : v);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " '" + Messages.snippet(v, 20) + "' is not a whole number");
        }
    }

    /** The answer format: {@code json}, {@code png} or {@code npy}, from {@code ?format=} or {@code Accept}. */
    private static String format(Context ctx) {
        String f = ctx.queryParam("format");
        if (f == null) {
            String a = ctx.header("Accept");
            a = a == null ? "" : a.toLowerCase(Locale.ROOT);
            f = a.startsWith("image/png") ? "png" : a.startsWith(NpyBytes.MEDIA_TYPE) ? "npy" : "json";
        }
        f = f.toLowerCase(Locale.ROOT);
        if (!Set.of("json", "png", "npy").contains(f)) {
            throw ApiException.badRequest("format '" + Messages.snippet(f, 20) + "' is not json, png or npy");
        }
        return f;
    }

    private Map<String, Object> health() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("version", Version.VERSION);
        m.put("models", new ArrayList<>(models.keySet()));
        m.put("requests", metrics.requests());
        return m;
    }

    // ---------------------------------------------------------------- endpoints

    private void encode(Context ctx) {
        ServedModel m = model(ctx);
        String f = format(ctx);
        Inputs.Batch b = Inputs.examples(ctx.contentType(), ctx.bodyAsBytes(), m, options.maxBatch());
        ServedModel.Encoded e = m.encode(b.values(), b.n());
        int k = m.codeSize();
        if (f.equals("npy")) {
            ctx.contentType(NpyBytes.MEDIA_TYPE).result(NpyBytes.write(e.z(), new long[] {b.n(), k}));
            return;
        }
        if (f.equals("png")) {
            throw ApiException.badRequest("encode answers codes: use format json or npy");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", m.name());
        out.put("count", b.n());
        out.put("code_size", k);
        out.put("codes", rows(e.z(), b.n(), k));
        if (e.indices() != null) {
            int w = e.indices().length / b.n();
            int[][] r = new int[b.n()][];
            for (int i = 0; i < b.n(); i++) {
                r[i] = java.util.Arrays.copyOfRange(e.indices(), i * w, (i + 1) * w);
            }
            out.put("indices", r);
        }
        json(ctx, out);
    }

    private void decode(Context ctx) {
        ServedModel m = model(ctx);
        String f = format(ctx);
        byte[] body = ctx.bodyAsBytes();
        if (body.length == 0) {
            throw ApiException.badRequest("the request has no body: send {\"codes\": [[...]]} (" + m.codeSize() + " values each) or .npy");
        }
        Inputs.Batch b = Inputs.codes(ctx.contentType(), body, m.codeSize(), "codes", options.maxBatch());
        float[] x;
        int n;
        if (b != null) {
            x = m.decode(b.values(), b.n());
            n = b.n();
        } else {
            Integer w = m.codeWidth();
            Inputs.Batch ib = w == null ? null : Inputs.codes(ctx.contentType(), body, w, "indices", options.maxBatch());
            if (ib == null) {
                throw ApiException.badRequest("the JSON body has no \"codes\"" + (w == null ? "" : " or \"indices\"") + " array");
            }
            x = m.decodeIndices(ib.values(), ib.n());
            n = ib.n();
        }
        images(ctx, m, x, n, f, null);
    }

    private void reconstruct(Context ctx) {
        ServedModel m = model(ctx);
        String f = format(ctx);
        Inputs.Batch b = Inputs.examples(ctx.contentType(), ctx.bodyAsBytes(), m, options.maxBatch());
        images(ctx, m, m.reconstruct(b.values(), b.n()), b.n(), f, null);
    }

    private void score(Context ctx) {
        ServedModel m = model(ctx);
        String f = format(ctx);
        Inputs.Batch b = Inputs.examples(ctx.contentType(), ctx.bodyAsBytes(), m, options.maxBatch());
        float[] s = m.score(b.values(), b.n());
        if (f.equals("npy")) {
            ctx.contentType(NpyBytes.MEDIA_TYPE).result(NpyBytes.write(s, new long[] {b.n()}));
            return;
        }
        if (f.equals("png")) {
            throw ApiException.badRequest("score answers numbers: use format json or npy");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", m.name());
        out.put("count", b.n());
        out.put("score", m.scoreName());
        out.put("threshold", m.threshold());
        out.put("threshold_source", m.thresholdSource());
        out.put("scores", s);
        boolean[] flag = new boolean[s.length];
        for (int i = 0; i < s.length; i++) {
            flag[i] = s[i] > m.threshold();
        }
        out.put("anomalous", flag);
        json(ctx, out);
    }

    private void sample(Context ctx) {
        ServedModel m = model(ctx);
        String f = format(ctx);
        JsonNode req = Inputs.json(ctx.bodyAsBytes());
        int n = Inputs.checkCount(req.path("count").asLong(1), options.maxBatch());
        if (n < 1) {
            throw ApiException.badRequest("\"count\" must be at least 1");
        }
        long seed = req.path("seed").asLong(System.nanoTime());
        double t = req.path("temperature").asDouble(1.0);
        if (!(t >= 0) || t > 10) {
            throw ApiException.badRequest("\"temperature\" must be in [0, 10]");
        }
        if (!m.canSample()) {
            m.sample(n, t, seed); // throws the explanation
        }
        float[] codes = m.sampleCodes(n, seed);
        float[] x;
        if (codes != null) {
            x = t == 1.0 ? m.decode(codes, n) : m.sample(n, t, seed);
        } else {
            x = m.sample(n, t, seed);
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        if (codes != null && t == 1.0) {
            extra.put("codes", rows(codes, n, m.codeSize()));
        }
        extra.put("seed", seed);
        images(ctx, m, x, n, f, extra);
    }

    private void neighbours(Context ctx) {
        ServedModel m = model(ctx);
        int count = countParam(ctx, 8);
        Inputs.Batch b = Inputs.examples(ctx.contentType(), ctx.bodyAsBytes(), m, 1);
        float[] z = m.encode(b.values(), 1).z();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", m.name());
        out.put("neighbours", neighbourList(m, z, count));
        json(ctx, out);
    }

    private List<Map<String, Object>> neighbourList(ServedModel m, float[] z, int count) {
        List<Map<String, Object>> l = new ArrayList<>();
        for (int i : m.neighbours(z, count)) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("index", i);
            int label = m.poolLabel(i);
            if (label >= 0) {
                e.put("label", label);
            }
            if (m.isImage()) {
                e.put("png", Pixels.dataUrl(m.poolPng(i)));
            }
            l.add(e);
        }
        return l;
    }

    private void analyze(Context ctx) {
        ServedModel m = model(ctx);
        if (!m.isImage()) {
            throw ApiException.badRequest("analyze is for image models; model '" + m.name() + "' takes table rows");
        }
        int count = countParam(ctx, 8);
        Inputs.Batch b = Inputs.examples(ctx.contentType(), ctx.bodyAsBytes(), m, 1);
        ServedModel.Encoded e = m.encode(b.values(), 1);
        float[] recon = m.decode(e.z(), 1);
        m.toMetric(recon);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", m.name());
        out.put("code", e.z());
        if (e.indices() != null) {
            out.put("indices", e.indices());
        }
        out.put("reconstruction", Pixels.dataUrl(Pixels.png(recon, 0, m.shape())));
        float[] in = b.values().clone();
        double mse = 0;
        for (int i = 0; i < in.length; i++) {
            double d = in[i] / m.rawMax() - recon[i];
            mse += d * d;
        }
        out.put("mse_per_pixel", mse / in.length);
        if (m.canScore()) {
            float s = m.score(b.values(), 1)[0];
            out.put("score", s);
            out.put("score_name", m.scoreName());
            out.put("threshold", m.threshold());
            out.put("threshold_source", m.thresholdSource());
            out.put("anomalous", s > m.threshold());
        }
        try {
            out.put("neighbours", neighbourList(m, e.z(), count));
        } catch (ApiException none) {
            out.put("neighbours", List.of());
        }
        json(ctx, out);
    }

    private void interpolate(Context ctx) {
        ServedModel m = model(ctx);
        String f = format(ctx);
        JsonNode req = Inputs.json(ctx.bodyAsBytes());
        int steps = req.path("steps").asInt(8);
        if (steps < 2 || steps > MAX_STEPS) {
            throw ApiException.badRequest("\"steps\" must be in 2.." + MAX_STEPS);
        }
        float[] a;
        float[] b;
        if (req.has("codes")) {
            Inputs.Batch c = Inputs.codes("application/json", ctx.bodyAsBytes(), m.codeSize(), "codes", 2);
            if (c.n() != 2) {
                throw ApiException.badRequest("\"codes\" must hold exactly two codes");
            }
            a = java.util.Arrays.copyOfRange(c.values(), 0, m.codeSize());
            b = java.util.Arrays.copyOfRange(c.values(), m.codeSize(), 2 * m.codeSize());
        } else if (req.has("from") && req.has("to")) {
            if (!req.get("from").canConvertToInt() || !req.get("to").canConvertToInt()) {
                throw ApiException.badRequest("\"from\" and \"to\" must be map point indices");
            }
            a = m.mapCode(req.get("from").asInt());
            b = m.mapCode(req.get("to").asInt());
        } else {
            throw ApiException.badRequest("send {\"from\": I, \"to\": J} (map points) or {\"codes\": [a, b]}");
        }
        boolean slerp = req.path("slerp").asBoolean(m.slerp());
        float[] path = Generation.path(a, b, steps, slerp);
        float[] x = m.decode(path, steps);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("slerp", slerp);
        images(ctx, m, x, steps, f, extra);
    }

    private static int countParam(Context ctx, int dflt) {
        String c = ctx.queryParam("count");
        if (c == null) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(c);
            if (v < 1 || v > MAX_STEPS) {
                throw ApiException.badRequest("count must be in 1.." + MAX_STEPS);
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("count '" + Messages.snippet(c, 20) + "' is not a whole number");
        }
    }

    /**
     * Answers decoded examples: one PNG (one image) or a grid (several); {@code .npy} in raw
     * units; JSON with raw units or, with {@code ?images=png}, data URLs.
     */
    private static void images(Context ctx, ServedModel m, float[] modelScale, int n, String f, Map<String, Object> extra) {
        int[] shape = m.shape();
        if (f.equals("png")) {
            if (!m.isImage()) {
                throw ApiException.badRequest("model '" + m.name() + "' produces table rows, not images: use format json or npy");
            }
            float[] metric = modelScale.clone();
            m.toMetric(metric);
            png(ctx, n == 1 ? Pixels.png(metric, 0, shape) : Pixels.grid(metric, n, shape));
            return;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", m.name());
        out.put("count", n);
        out.put("shape", shape);
        if (extra != null) {
            out.putAll(extra);
        }
        if (f.equals("json") && "png".equals(ctx.queryParam("images")) && m.isImage()) {
            float[] metric = modelScale.clone();
            m.toMetric(metric);
            List<String> urls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                urls.add(Pixels.dataUrl(Pixels.png(metric, i, shape)));
            }
            out.put("png", urls);
            json(ctx, out);
            return;
        }
        float[] raw = modelScale.clone();
        m.toRaw(raw);
        if (f.equals("npy")) {
            long[] s = new long[shape.length + 1];
            s[0] = n;
            for (int i = 0; i < shape.length; i++) {
                s[i + 1] = shape[i];
            }
            ctx.contentType(NpyBytes.MEDIA_TYPE).result(NpyBytes.write(raw, s));
            return;
        }
        out.put("units", m.isImage() ? "raw pixels 0.." + m.rawMax() : "raw column units");
        out.put(m.isImage() ? "images" : "rows", rows(raw, n, m.exampleSize()));
        json(ctx, out);
    }

    private static float[][] rows(float[] v, int n, int w) {
        float[][] r = new float[n][];
        for (int i = 0; i < n; i++) {
            r[i] = java.util.Arrays.copyOfRange(v, i * w, (i + 1) * w);
        }
        return r;
    }

    /** Stops listening and closes every model (frees their native memory). */
    @Override
    public void close() {
        try {
            if (app != null) {
                app.stop();
            }
        } finally {
            Set<ServedModel> done = new HashSet<>();
            for (ServedModel m : models.values()) {
                if (done.add(m)) {
                    m.close();
                }
            }
        }
    }
}
