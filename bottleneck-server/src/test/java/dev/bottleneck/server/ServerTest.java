package dev.bottleneck.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bottleneck.app.Codes;
import dev.bottleneck.app.LoadedModel;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.DataSpec;
import dev.bottleneck.data.Dataset;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP round trips against small models trained here: results, errors, limits, token, metrics. */
class ServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path tmp;

    static Path folder;
    static Path aeDir;
    static Path vaeDir;
    static BottleneckServer server;
    static String base;

    @BeforeAll
    static void trainAndServe() {
        folder = TinyModel.imageFolder(tmp.resolve("shapes"), 40, 1);
        aeDir = TinyModel.train(folder, "ae", tmp.resolve("runs/shapes-ae"));
        vaeDir = TinyModel.train(folder, "vae", tmp.resolve("runs/shapes-vae"));
        server = BottleneckServer.start(new ServeOptions(List.of(aeDir, vaeDir), ServeOptions.LOOPBACK, 0, null, 64 * 1024, 16, 500, 1000, null));
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    record Reply(int status, String type, byte[] body) {
        JsonNode json() {
            assertThat(type).as("content type of a %d answer: %s", status, new String(body)).startsWith("application/json");
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + new String(body), e);
            }
        }

        Reply ok() {
            assertThat(status).as(new String(body, 0, Math.min(body.length, 400))).isEqualTo(200);
            return this;
        }

        /** Asserts an error answer: the status and a JSON body {"error": "..."} naming the words. */
        String fails(int want, String... words) {
            assertThat(status).as(new String(body)).isEqualTo(want);
            String e = json().path("error").asText();
            assertThat(e).isNotBlank();
            for (String w : words) {
                assertThat(e.toLowerCase()).contains(w.toLowerCase());
            }
            return e;
        }
    }

    static Reply send(String method, String path, String type, byte[] body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path));
        if (type != null) {
            b.header("Content-Type", type);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(method + " " + path + ": " + e, e);
        }
    }

    static Reply post(String path, String type, byte[] body) {
        return send("POST", path, type, body, null);
    }

    static Reply postJson(String path, String json) {
        return post(path, "application/json", json.getBytes());
    }

    static Reply get(String path) {
        return send("GET", path, null, null, null);
    }

    static byte[] png(BufferedImage img) {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", bo);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return bo.toByteArray();
    }

    static byte[] sampleImage(int kind, long seed) {
        return png(TinyModel.draw(kind, new Random(seed)));
    }

    // ------------------------------------------------------------------ tests

    @Test
    void encodeOverHttpEqualsTheLibrarysEncode() throws IOException {
        Path one = Files.createDirectories(tmp.resolve("one/x"));
        byte[] img = sampleImage(1, 42);
        Files.write(one.resolve("a.png"), img);
        float[] want;
        try (LoadedModel lm = LoadedModel.open(aeDir)) {
            Dataset d = DataSources.load(DataSpec.parse("folder:" + one.getParent()), DataSources.Options.defaults());
            want = Codes.encode(lm.model(), d, lm.manifest().input().scaling(), null);
        }
        JsonNode r = post("/api/models/shapes-ae/encode", "image/png", img).ok().json();
        assertThat(r.path("count").asInt()).isEqualTo(1);
        JsonNode codes = r.path("codes").get(0);
        assertThat(codes.size()).isEqualTo(4).isEqualTo(want.length);
        for (int j = 0; j < want.length; j++) {
            assertThat(codes.get(j).floatValue()).as("z%d", j).isCloseTo(want[j], within(1e-5f));
        }
        // the same image as JSON raw pixels and as .npy gives the same code
        BufferedImage bi = ImageIO.read(new ByteArrayInputStream(img));
        float[] raw = new float[28 * 28];
        StringBuilder sb = new StringBuilder("{\"images\": [[");
        for (int i = 0; i < raw.length; i++) {
            raw[i] = bi.getRaster().getSample(i % 28, i / 28, 0);
            sb.append(i == 0 ? "" : ",").append((int) raw[i]);
        }
        sb.append("]]}");
        JsonNode j = postJson("/api/models/shapes-ae/encode", sb.toString()).ok().json();
        assertThat(j.path("codes").get(0).get(0).floatValue()).isCloseTo(want[0], within(1e-4f));
        Reply npy = post("/api/models/shapes-ae/encode?format=npy", NpyBytes.MEDIA_TYPE, NpyBytes.write(raw, new long[] {1, 1, 28, 28})).ok();
        NpyBytes.Array a = NpyBytes.read(npy.body(), 100);
        assertThat(a.shape()).containsExactly(1, 4);
        assertThat(a.values()[3]).isCloseTo(want[3], within(1e-4f));
    }

    @Test
    void reconstructAnswersAPngOfTheModelsSize() throws IOException {
        Reply r = post("/api/models/shapes-ae/reconstruct?format=png", "image/png", sampleImage(0, 3)).ok();
        assertThat(r.type()).startsWith("image/png");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertThat(img.getWidth()).isEqualTo(28);
        assertThat(img.getHeight()).isEqualTo(28);
        // and it looks like the input: the horizontal bar's rows are brighter than the corners
        int bar = 0;
        int corner = 0;
        for (int x = 8; x < 20; x++) {
            bar += img.getRaster().getSample(x, 14, 0);
            corner += img.getRaster().getSample(x, 1, 0);
        }
        assertThat(bar).isGreaterThan(corner + 12 * 60);
        // JSON answer: raw pixels per example
        JsonNode j = post("/api/models/shapes-ae/reconstruct", "image/png", sampleImage(0, 3)).ok().json();
        assertThat(j.path("images").get(0).size()).isEqualTo(784);
        assertThat(j.path("shape").toString()).isEqualTo("[1,28,28]");
    }

    @Test
    void decodeScoreSampleInterpolateMapAnalyzeAnswer() {
        JsonNode dec = postJson("/api/models/shapes-ae/decode?images=png", "{\"codes\": [[0,0,0,0],[1,1,1,1]]}").ok().json();
        assertThat(dec.path("png")).hasSize(2);
        assertThat(dec.path("png").get(0).asText()).startsWith("data:image/png;base64,");
        JsonNode s = post("/api/models/shapes-ae/score", "image/png", sampleImage(2, 5)).ok().json();
        assertThat(s.path("scores").get(0).asDouble()).isPositive();
        assertThat(s.path("threshold").asDouble()).isPositive();
        assertThat(s.path("anomalous").get(0).isBoolean()).isTrue();
        // a blank white image is far from every training shape: above the threshold
        BufferedImage white = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                white.getRaster().setSample(x, y, 0, 255);
            }
        }
        assertThat(post("/api/models/shapes-ae/score", "image/png", png(white)).ok().json().path("anomalous").get(0).asBoolean()).isTrue();
        JsonNode vae = postJson("/api/models/shapes-vae/sample", "{\"count\": 3, \"seed\": 1}").ok().json();
        assertThat(vae.path("images")).hasSize(3);
        assertThat(vae.path("codes")).hasSize(3);
        JsonNode again = postJson("/api/models/shapes-vae/sample", "{\"count\": 3, \"seed\": 1}").ok().json();
        assertThat(again.path("codes")).isEqualTo(vae.path("codes"));
        JsonNode map = get("/api/models/shapes-ae/map").ok().json();
        assertThat(map.path("count").asInt()).isEqualTo(24); // a fifth of 120 held out
        assertThat(map.path("pca").asBoolean()).isTrue();
        assertThat(map.path("labels")).hasSize(24);
        assertThat(get("/api/models/shapes-ae/map/3").ok().type()).startsWith("image/png");
        JsonNode in = postJson("/api/models/shapes-ae/interpolate?images=png", "{\"from\": 0, \"to\": 5, \"steps\": 6}").ok().json();
        assertThat(in.path("png")).hasSize(6);
        JsonNode an = post("/api/models/shapes-ae/analyze?count=5", "image/png", sampleImage(1, 9)).ok().json();
        assertThat(an.path("reconstruction").asText()).startsWith("data:image/png");
        assertThat(an.path("code")).hasSize(4);
        assertThat(an.path("neighbours")).hasSize(5);
        // a ring's nearest training images are rings (label 1 of hbar, ring, vbar)
        assertThat(an.path("neighbours").get(0).path("label").asInt()).isEqualTo(1);
        JsonNode info = get("/api/models").ok().json();
        assertThat(info.path("models")).hasSize(2);
        assertThat(info.path("models").get(1).path("capabilities").path("prior").asBoolean()).isTrue();
        assertThat(info.path("models").get(0).path("endpoints").toString()).contains("score", "sample", "map", "analyze");
        assertThat(get("/health").ok().json().path("status").asText()).isEqualTo("ok");
        assertThat(get("/").ok().type()).startsWith("text/html");
        assertThat(new String(get("/app.js").ok().body())).contains("analyze");
    }

    @Test
    void badInputIsA400WithAJsonMessage() {
        post("/api/models/shapes-ae/encode", "image/png", "not a png at all".getBytes()).fails(400, "png");
        post("/api/models/shapes-ae/encode", "image/png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0}).fails(400, "png");
        post("/api/models/shapes-ae/encode", "image/png", png(new BufferedImage(30, 20, BufferedImage.TYPE_BYTE_GRAY)))
                .fails(400, "30x20", "28x28");
        postJson("/api/models/shapes-ae/encode", "{\"images\": [[1, 2, 3]]}").fails(400, "3 values", "784");
        postJson("/api/models/shapes-ae/encode", "{\"images\": [[1, 2,").fails(400, "json");
        postJson("/api/models/shapes-ae/encode", "{\"pictures\": []}").fails(400, "images");
        postJson("/api/models/shapes-ae/encode", "{\"images\": [\"a\"]}").fails(400, "numbers");
        post("/api/models/shapes-ae/encode", "image/png", new byte[0]).fails(400, "no body");
        postJson("/api/models/shapes-ae/decode", "{\"codes\": [[1, 2]]}").fails(400, "4 values");
        postJson("/api/models/shapes-ae/decode", "{\"codes\": [[1, 2, 3, NaN]]}").fails(400, "json");
        postJson("/api/models/shapes-ae/interpolate", "{\"from\": 0, \"to\": 999}").fails(400, "map point");
        postJson("/api/models/shapes-ae/sample", "{\"count\": 0}").fails(400, "count");
        post("/api/models/shapes-ae/encode", NpyBytes.MEDIA_TYPE, NpyBytes.write(new float[10], new long[] {10})).fails(400, "shape");
        byte[] truncated = NpyBytes.write(new float[784], new long[] {1, 28, 28});
        post("/api/models/shapes-ae/encode", NpyBytes.MEDIA_TYPE, java.util.Arrays.copyOf(truncated, 200)).fails(400, "npy");
        // too many items: the batch limit is 16
        post("/api/models/shapes-ae/encode", NpyBytes.MEDIA_TYPE, NpyBytes.write(new float[17 * 784], new long[] {17, 1, 28, 28}))
                .fails(400, "17", "limit is 16");
        postJson("/api/models/shapes-ae/sample", "{\"count\": 100}").fails(400, "limit");
        post("/api/models/shapes-ae/encode?format=png", "image/png", sampleImage(0, 1)).fails(400, "json or npy");
        post("/api/models/shapes-ae/encode?format=xml", "image/png", sampleImage(0, 1)).fails(400, "format");
    }

    @Test
    void unknownModelOrPathIs404AndWrongMethod405() {
        post("/api/models/nope/encode", "image/png", sampleImage(0, 1)).fails(404, "nope", "shapes-ae");
        get("/api/nothing/here").fails(404, "no such path");
        get("/api/models/shapes-ae/map/9999").fails(404, "9999");
        get("/api/models/shapes-ae/encode").fails(405);
    }

    @Test
    void bodiesOverTheLimitAre413() {
        byte[] big = new byte[100 * 1024];
        post("/api/models/shapes-ae/encode", NpyBytes.MEDIA_TYPE, big).fails(413, "limit");
        // and the server still answers
        post("/api/models/shapes-ae/encode", "image/png", sampleImage(0, 1)).ok();
    }

    @Test
    void tokenIsEnforcedOnTheApiAndMetricsButNotOnHealthOrThePage() {
        try (BottleneckServer s = BottleneckServer.start(new ServeOptions(List.of(aeDir), ServeOptions.LOOPBACK, 0, "s3cret", 1 << 20, 16, 0, 0,
                null))) {
            String b = "http://127.0.0.1:" + s.port();
            send("GET", b + "/api/models", null, null, null).fails(401, "token");
            send("GET", b + "/api/models", null, null, "wrong").fails(401, "wrong token");
            send("GET", b + "/metrics", null, null, null).fails(401);
            send("POST", b + "/api/models/shapes-ae/encode", "image/png", sampleImage(0, 1), null).fails(401);
            send("GET", b + "/api/models", null, null, "s3cret").ok();
            send("POST", b + "/api/models/shapes-ae/encode", "image/png", sampleImage(0, 1), "s3cret").ok();
            send("GET", b + "/health", null, null, null).ok();
            send("GET", b + "/", null, null, null).ok();
            // without the training data's pool there is no score: a 404 that says why
            send("POST", b + "/api/models/shapes-ae/score", "image/png", sampleImage(0, 1), "s3cret").fails(404, "threshold");
        }
    }

    @Test
    void metricsCountRequestsAndErrors() {
        JsonNode before = get("/metrics").ok().json();
        post("/api/models/shapes-ae/encode", "image/png", sampleImage(0, 1)).ok();
        post("/api/models/shapes-ae/encode", "image/png", "junk".getBytes()).fails(400);
        JsonNode after = get("/metrics").ok().json();
        // the first /metrics call itself is counted too (tests may run in parallel: at least)
        assertThat(after.path("requests").asLong()).isGreaterThanOrEqualTo(before.path("requests").asLong() + 3);
        assertThat(after.path("errors").asLong()).isGreaterThanOrEqualTo(before.path("errors").asLong() + 1);
        JsonNode enc = after.path("routes").path("POST /api/models/{model}/encode");
        assertThat(enc.path("requests").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(enc.path("errors").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(enc.path("latency_ms").path("p50").asDouble()).isPositive();
        assertThat(enc.path("latency_ms").path("p99").asDouble()).isGreaterThanOrEqualTo(enc.path("latency_ms").path("p50").asDouble());
        assertThat(after.path("by_status").path("400").asLong()).isPositive();
    }

    @Test
    void anomalyModelsScoreWithTheirSavedThreshold() throws IOException {
        Path dir = TinyModel.fitAnomaly(folder, "ring", tmp.resolve("runs/rings"));
        double saved = JSON.readTree(dir.resolve("anomaly.json").toFile()).path("threshold").asDouble();
        try (BottleneckServer s = BottleneckServer.start(new ServeOptions(List.of(dir), ServeOptions.LOOPBACK, 0, null, 1 << 20, 16, 0, 100,
                null))) {
            String b = "http://127.0.0.1:" + s.port() + "/api/models/rings";
            JsonNode info = send("GET", b, null, null, null).ok().json();
            assertThat(info.path("anomaly").path("threshold").asDouble()).isEqualTo(saved);
            assertThat(info.path("anomaly").path("threshold_source").asText()).contains("anomaly.json");
            byte[] ring = sampleImage(1, 11);
            byte[] bar = sampleImage(0, 11);
            JsonNode r = send("POST", b + "/score", "image/png", ring, null).ok().json();
            JsonNode h = send("POST", b + "/score", "image/png", bar, null).ok().json();
            assertThat(r.path("threshold").asDouble()).isEqualTo(saved);
            // trained on rings only: a bar scores higher than a ring and is flagged
            assertThat(h.path("scores").get(0).asDouble()).isGreaterThan(r.path("scores").get(0).asDouble());
            assertThat(h.path("anomalous").get(0).asBoolean()).isTrue();
        }
    }

    @Test
    void tableModelsTakeRowsAndHaveNoPictures() {
        Path table = TinyModel.trainTable(tmp.resolve("table"), tmp.resolve("runs/rows"));
        try (BottleneckServer s = BottleneckServer.start(new ServeOptions(List.of(table), ServeOptions.LOOPBACK, 0, null, 1 << 20, 16, 100, 100,
                null))) {
            String b = "http://127.0.0.1:" + s.port() + "/api/models/rows";
            JsonNode enc = send("POST", b + "/encode", "application/json", "{\"rows\": [[0.5, 1.0, 0.0, 4.5], [1, 2, 3, 4]]}".getBytes(), null)
                    .ok().json();
            assertThat(enc.path("codes")).hasSize(2);
            assertThat(enc.path("codes").get(0)).hasSize(2);
            JsonNode rec = send("POST", b + "/reconstruct", "application/json", "{\"rows\": [[0.5, 1.0, 0.0, 4.5]]}".getBytes(), null).ok().json();
            assertThat(rec.path("rows").get(0)).hasSize(4);
            // raw column units: column d is about 5 - a
            assertThat(rec.path("rows").get(0).get(3).asDouble()).isBetween(3.0, 6.0);
            assertThat(send("GET", b + "/map", null, null, null).ok().json().path("count").asInt()).isEqualTo(40);
            send("GET", b + "/map/0", null, null, null).fails(400, "table rows");
            send("POST", b + "/encode", "image/png", sampleImage(0, 1), null).fails(400, "table rows");
            send("POST", b + "/reconstruct?format=png", "application/json", "{\"rows\": [[0, 0, 0, 0]]}".getBytes(), null).fails(400, "json or npy");
        }
    }

    @Test
    void serverSurvivesAHundredBadRequests() {
        Random r = new Random(5);
        for (int i = 0; i < 100; i++) {
            byte[] junk = new byte[r.nextInt(3000)];
            r.nextBytes(junk);
            int kind = i % 5;
            Reply rep = switch (kind) {
                case 0 -> post("/api/models/shapes-ae/reconstruct", "image/png", junk);
                case 1 -> post("/api/models/shapes-ae/encode", NpyBytes.MEDIA_TYPE, junk);
                case 2 -> postJson("/api/models/shapes-ae/decode", "{\"codes\": [[" + r.nextInt() + "]]}");
                case 3 -> post("/api/models/shapes-ae/score", "application/json", junk);
                default -> post("/api/models/shapes-ae/analyze", "image/png", png(new BufferedImage(29 + r.nextInt(40), 1 + r.nextInt(60),
                        BufferedImage.TYPE_INT_RGB)));
            };
            assertThat(rep.status()).as("request %d (%d)", i, kind).isBetween(400, 499);
            assertThat(rep.json().path("error").asText()).isNotBlank();
        }
        JsonNode ok = post("/api/models/shapes-ae/encode", "image/png", sampleImage(2, 77)).ok().json();
        assertThat(ok.path("codes").get(0)).hasSize(4);
    }
}
