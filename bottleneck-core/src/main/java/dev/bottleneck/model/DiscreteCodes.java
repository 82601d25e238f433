package dev.bottleneck.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.latent.CodeUsage;
import dev.bottleneck.latent.DiscreteLatent;

import java.util.LinkedHashMap;
import java.util.Map;

/** What the discrete-code model types share: the code usage on test data and option parsing. */
public final class DiscreteCodes {

    /** Rows per encoder call when measuring code usage. */
    public static final int ROWS = 1000;

    /**
     * The command-line options of the information-maximizing terms that binary and categorical
     * codes share: the conditional entropy and virtual adversarial self-augmentation.
     */
    public static final java.util.List<ModelType.CliOption> SELF_AUGMENTATION_OPTIONS = java.util.List.of(
            new ModelType.CliOption("--entropy-weight", "W", "binary / categorical: weight of the conditional entropy of the code given the "
                    + "input, which makes codes certain (default 0)."),
            new ModelType.CliOption("--vat-weight", "W", "binary / categorical: weight of the self-augmentation term KL(q(code|x) || "
                    + "q(code|x + r_adv)), r_adv a virtual adversarial perturbation (IMSAT; default 0 = off; a step costs about 2.5x)."),
            new ModelType.CliOption("--vat-epsilon", "E|auto", "binary / categorical: L2 norm of r_adv over a whole example, model "
                    + "scale (default auto: IMSAT's radius, 0.25 x the mean distance from a training example to its 10th nearest "
                    + "neighbour, computed when training starts and saved in model.json; 1.26 for MNIST in [0,1])."));

    /**
     * Reads {@code --vat-epsilon}.
     *
     * @param given the type options given on the command line
     * @return the radius, or 0 for {@code auto} (also when the option is not given)
     * @throws InvalidInputException if the value is neither {@code auto} nor a positive number
     */
    public static double vatEpsilon(Map<String, String> given) {
        String v = given.get("--vat-epsilon");
        if (v == null || v.trim().equalsIgnoreCase("auto")) {
            return 0;
        }
        double e = number("--vat-epsilon", v);
        if (!(e > 0)) {
            throw new InvalidInputException("--vat-epsilon must be a positive number or auto, got " + v.trim());
        }
        return e;
    }

    private DiscreteCodes() {}

    /**
     * The code usage of a discrete model on data: the perplexity of the data's code histogram, the
     * fraction of codes used and the dead codes ({@link CodeUsage}), as {@code test_*} metrics.
     *
     * @param model a model whose latent layer is a {@link DiscreteLatent}
     * @param x inputs {@code (N, ...inputShape)}, model scale
     * @return {@code test_perplexity}, {@code test_codes_used_fraction}, {@code test_dead_codes}, ...
     */
    public static Map<String, Object> usageOn(Autoencoder model, NDArray x) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (!(model.latent() instanceof DiscreteLatent d)) {
            return out;
        }
        CodeUsage u = d.newUsage();
        long n = x.getShape().get(0);
        for (long from = 0; from < n; from += ROWS) {
            try (NDManager m = x.getManager().newSubManager()) {
                NDArray b = x.get(new NDIndex().addSliceDim(from, Math.min(n, from + ROWS)));
                b.attach(m);
                u.add(d.codes(model.encoderOutput(b, false)));
            }
        }
        u.summary().toMap().forEach((k, v) -> out.put("test_" + k, v));
        return out;
    }

    /**
     * @param option the option, for the message
     * @param v its value
     * @return the value as an int
     * @throws InvalidInputException if it is not a whole number
     */
    public static int integer(String option, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException(option + " must be a whole number, got '" + v + "'");
        }
    }

    /**
     * @param option the option, for the message
     * @param v its value
     * @return the value as a double
     * @throws InvalidInputException if it is not a number
     */
    public static double number(String option, String v) {
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException(option + " must be a number, got '" + v + "'");
        }
    }

    /**
     * @param option the option, for the message
     * @param v {@code on}/{@code off} (also true/false, yes/no)
     * @return the flag
     * @throws InvalidInputException for another value
     */
    public static boolean onOff(String option, String v) {
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new InvalidInputException(option + " must be on or off, got '" + v + "'");
        };
    }
}
