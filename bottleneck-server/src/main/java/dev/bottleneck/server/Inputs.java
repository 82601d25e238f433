package dev.bottleneck.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;

/**
 * Reads the examples or codes a request carries. A body is one of:
 *
 * <ul>
 *   <li>a PNG (or JPEG) image, {@code Content-Type: image/png}: one example of an image model;
 *   <li>a {@code .npy} array ({@code application/x-npy}, or any body starting with the NumPy
 *       magic): {@code (N, ...shape)} or one example {@code (...shape)}, raw units;
 *   <li>JSON: {@code {"images": [...]}} / {@code {"rows": [...]}} / {@code {"examples": [...]}} with
 *       one (possibly nested) array of raw values per example, {@code {"png": ["<base64 or data
 *       URL>", ...]}}, or {@code {"codes": [[...K floats], ...]}} / {@code {"indices": [[...]]}}
 *       for {@code decode}.
 * </ul>
 */
public final class Inputs {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Inputs() {}

    /**
     * A batch read from a request.
     *
     * @param values row-major values
     * @param n number of examples (or codes)
     */
    public record Batch(float[] values, int n) {}

    /**
     * Parses a JSON body.
     *
     * @param body the bytes
     * @return the tree (an empty object for an empty body)
     * @throws ApiException 400 if it is not JSON
     */
    public static JsonNode json(byte[] body) {
        if (body.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) {
                throw ApiException.badRequest("the JSON body must be an object, e.g. {\"images\": [[...]]}");
            }
            return n;
        } catch (IOException e) {
            throw ApiException.badRequest("the body is not valid JSON: " + firstLine(e.getMessage()));
        }
    }

    /**
     * Reads examples for {@code encode}, {@code reconstruct}, {@code score}, {@code analyze}.
     *
     * @param contentType the request's content type (may be null)
     * @param body the body
     * @param model the model (shape, raw maximum)
     * @param maxBatch the most examples accepted
     * @return the examples in raw units
     * @throws ApiException 400 for an unreadable body, a wrong shape, or too many examples
     */
    public static Batch examples(String contentType, byte[] body, ServedModel model, int maxBatch) {
        String ct = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        int d = model.exampleSize();
        if (body.length == 0) {
            throw ApiException.badRequest("the request has no body: send a PNG image, a .npy array or JSON {\"images\": [...]}");
        }
        if (NpyBytes.isNpy(body)) {
            // values are bounded by the body's size (the body limit); the batch limit is checked on N
            NpyBytes.Array a = NpyBytes.read(body, body.length);
            return npyExamples(a, model, maxBatch);
        }
        if (ct.startsWith("image/") || (!ct.contains("json") && looksLikeImage(body))) {
            requireImage(model);
            float[] v = new float[d];
            Pixels.decode(body, model.shape(), model.rawMax(), v, 0);
            return new Batch(v, 1);
        }
        if (ct.startsWith(NpyBytes.MEDIA_TYPE)) {
            throw ApiException.badRequest("the body is labelled " + NpyBytes.MEDIA_TYPE + " but has no .npy header");
        }
        JsonNode root = json(body);
        JsonNode png = root.get("png");
        if (png != null) {
            requireImage(model);
            JsonNode list = png.isArray() ? png : JSON.createArrayNode().add(png);
            int n = checkCount(list.size(), maxBatch);
            float[] v = new float[n * d];
            for (int i = 0; i < n; i++) {
                if (!list.get(i).isTextual()) {
                    throw ApiException.badRequest("\"png\"[" + i + "] must be a base64 string or a data: URL");
                }
                Pixels.decode(base64(list.get(i).asText(), i), model.shape(), model.rawMax(), v, i * d);
            }
            return new Batch(v, n);
        }
        for (String key : new String[] {"images", "rows", "examples"}) {
            JsonNode list = root.get(key);
            if (list != null) {
                return arrays(list, key, d, maxBatch, "the model takes examples of shape " + Arrays.toString(model.shape()));
            }
        }
        throw ApiException.badRequest("the JSON body has none of \"images\", \"rows\", \"examples\" or \"png\"");
    }

    /**
     * Reads codes for {@code decode}: {@code {"codes": [[K floats], ...]}}, {@code {"indices": [[W
     * ints], ...]}} or a {@code .npy} array {@code (N, K)}.
     *
     * @param contentType the request's content type
     * @param body the body
     * @param width values per code
     * @param key {@code "codes"} or {@code "indices"}
     * @param maxBatch the most codes accepted
     * @return the codes, or null when the JSON body does not carry {@code key}
     */
    public static Batch codes(String contentType, byte[] body, int width, String key, int maxBatch) {
        if (NpyBytes.isNpy(body)) {
            NpyBytes.Array a = NpyBytes.read(body, body.length);
            long[] s = a.shape();
            long last = s.length == 0 ? 1 : s[s.length - 1];
            if (s.length < 1 || s.length > 2 || last != width) {
                throw ApiException.badRequest(".npy codes have shape " + Arrays.toString(s) + "; this model decodes (N, " + width + ")");
            }
            return new Batch(a.values(), s.length == 1 ? 1 : checkCount(s[0], maxBatch));
        }
        JsonNode list = json(body).get(key);
        if (list == null) {
            return null;
        }
        return arrays(list, key, width, maxBatch, "each code has " + width + " values");
    }

    private static Batch npyExamples(NpyBytes.Array a, ServedModel model, int maxBatch) {
        long[] s = a.shape();
        int[] want = model.shape();
        if (want.length == 3 && want[0] == 1 && s.length == 3 && s[1] == want[1] && s[2] == want[2] && !(s[0] == 1)) {
            s = new long[] {s[0], 1, s[1], s[2]}; // (N, H, W) for a one-channel model, as MNIST arrays come
        } else if (want.length == 3 && want[0] == 1 && s.length == 2 && s[0] == want[1] && s[1] == want[2]) {
            s = new long[] {1, 1, s[0], s[1]}; // one (H, W) image
        }
        long[] tail = s.length == want.length ? s : s.length == want.length + 1 ? Arrays.copyOfRange(s, 1, s.length) : null;
        boolean ok = tail != null && tail.length == want.length;
        for (int i = 0; ok && i < want.length; i++) {
            ok = tail[i] == want[i];
        }
        if (!ok) {
            throw ApiException.badRequest(".npy array has shape " + Arrays.toString(s) + "; this model takes (N, "
                    + Arrays.toString(want).replaceAll("[\\[\\]]", "") + ")");
        }
        int n = s.length == want.length ? 1 : checkCount(s[0], maxBatch);
        if (n == 0) {
            throw ApiException.badRequest(".npy array holds no examples");
        }
        return new Batch(a.values(), n);
    }

    private static Batch arrays(JsonNode list, String key, int d, int maxBatch, String hint) {
        if (!list.isArray()) {
            throw ApiException.badRequest("\"" + key + "\" must be an array with one entry per example");
        }
        int n = checkCount(list.size(), maxBatch);
        if (n == 0) {
            throw ApiException.badRequest("\"" + key + "\" is empty");
        }
        float[] v = new float[n * d];
        for (int i = 0; i < n; i++) {
            int[] pos = {0};
            flatten(list.get(i), v, i * d, d, pos, key, i);
            if (pos[0] != d) {
                throw ApiException.badRequest("\"" + key + "\"[" + i + "] has " + pos[0] + " values, but " + d + " are needed (" + hint + ")");
            }
        }
        return new Batch(v, n);
    }

    private static void flatten(JsonNode node, float[] out, int base, int d, int[] pos, String key, int i) {
        if (node.isArray()) {
            for (JsonNode c : node) {
                flatten(c, out, base, d, pos, key, i);
            }
        } else if (node.isNumber()) {
            if (pos[0] >= d) {
                pos[0]++;
                return;
            }
            out[base + pos[0]++] = (float) node.asDouble();
        } else {
            throw ApiException.badRequest("\"" + key + "\"[" + i + "] holds " + node.getNodeType().toString().toLowerCase(Locale.ROOT)
                    + " values; only numbers are accepted");
        }
    }

    /**
     * @param n the number of items a request carries
     * @param maxBatch the limit
     * @return {@code n}
     * @throws ApiException 400 above the limit
     */
    public static int checkCount(long n, int maxBatch) {
        if (n > maxBatch) {
            throw ApiException.badRequest(n + " items in one request; the limit is " + maxBatch + " (serve --max-batch)");
        }
        return (int) n;
    }

    private static void requireImage(ServedModel model) {
        if (!model.isImage()) {
            throw ApiException.badRequest("model '" + model.name() + "' takes table rows, not images: send {\"rows\": [[...]]} or .npy");
        }
    }

    private static boolean looksLikeImage(byte[] b) {
        return b.length > 8 && ((b[0] == (byte) 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G')
                || (b[0] == (byte) 0xff && b[1] == (byte) 0xd8));
    }

    private static byte[] base64(String s, int i) {
        int comma = s.startsWith("data:") ? s.indexOf(',') : -1;
        try {
            return Base64.getDecoder().decode(s.substring(comma + 1).strip());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("\"png\"[" + i + "] is not valid base64: " + e.getMessage());
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
