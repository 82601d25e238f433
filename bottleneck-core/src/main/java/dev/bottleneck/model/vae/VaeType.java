package dev.bottleneck.model.vae;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.latent.GaussianLatent;
import dev.bottleneck.latent.LatentLayer;
import dev.bottleneck.loss.DecoderLikelihood;
import dev.bottleneck.loss.ReconstructionLoss;
import dev.bottleneck.model.Capabilities;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.model.ModelType;
import dev.bottleneck.model.Objective;
import dev.bottleneck.model.TypeOptions;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code vae}: the variational autoencoder (Kingma and Welling, "Auto-Encoding Variational Bayes",
 * ICLR 2014): a Gaussian code ({@link GaussianLatent}), the objective {@link VaeObjective} (negative
 * ELBO or IWAE bound) with the options {@link VaeConfig}, a prior to sample from and a likelihood.
 */
public final class VaeType implements ModelType {

    private static final List<CliOption> OPTIONS = List.of(
            new CliOption("--beta", "B", "vae: weight of the KL term (beta-VAE, Higgins et al. 2017) (default 1)."),
            new CliOption("--kl-warmup", "EPOCHS",
                    "vae: raise the KL weight linearly from 1/EPOCHS to 1 over the first EPOCHS epochs (Bowman et al. 2016) (default 0: off)."),
            new CliOption("--free-bits", "NATS",
                    "vae: each latent dimension's batch-mean KL counts at least NATS (Kingma et al. 2016) (default 0: off)."),
            new CliOption("--iw-samples", "K",
                    "vae: train on the importance-weighted bound with K samples (IWAE, Burda et al. 2016) (default 1: the ELBO)."),
            new CliOption("--binarize", "MODE", "vae with --loss bce: none, static (one fixed Bernoulli draw of the pixels), dynamic "
                    + "(a new draw every time an image is seen; evaluation on a fixed draw of the test set) (default none)."),
            new CliOption("--sigma", "S|learned",
                    "vae with --loss mse: the Gaussian decoder's standard deviation in model units, or learned (default 0.1)."));

    @Override
    public String name() {
        return "vae";
    }

    @Override
    public String description() {
        return "variational autoencoder: Gaussian q(z|x), N(0, I) prior, ELBO (Kingma & Welling 2014)";
    }

    @Override
    public Capabilities capabilities() {
        return new Capabilities(true, true, false);
    }

    @Override
    public List<CliOption> cliOptions() {
        return OPTIONS;
    }

    @Override
    public Class<? extends TypeOptions> optionsClass() {
        return VaeConfig.class;
    }

    @Override
    public TypeOptions options(Map<String, String> given, String loss) {
        VaeConfig d = VaeConfig.DEFAULT;
        Double s = null;
        boolean learned = false;
        String sigma = given.get("--sigma");
        if (sigma != null) {
            if (sigma.trim().equalsIgnoreCase("learned")) {
                learned = true;
            } else {
                s = number("--sigma", sigma, "a positive number or 'learned'");
            }
        }
        if ((s != null || learned) && "bce".equalsIgnoreCase(loss)) {
            throw new InvalidInputException("--sigma is for the Gaussian decoder (--loss mse); --loss bce has a Bernoulli decoder");
        }
        return new VaeConfig(
                given.containsKey("--beta") ? number("--beta", given.get("--beta"), "a number") : d.beta(),
                given.containsKey("--kl-warmup") ? integer("--kl-warmup", given.get("--kl-warmup")) : d.klWarmup(),
                given.containsKey("--free-bits") ? number("--free-bits", given.get("--free-bits"), "a number") : d.freeBits(),
                given.containsKey("--iw-samples") ? integer("--iw-samples", given.get("--iw-samples")) : d.iwSamples(),
                given.getOrDefault("--binarize", d.binarize()), s, learned);
    }

    @Override
    public TypeOptions validate(ModelConfig c) {
        VaeConfig v = c.options() == null ? VaeConfig.DEFAULT : c.options(VaeConfig.class);
        if (v == null) {
            throw new InvalidInputException("--model vae takes VAE options, not " + c.options().getClass().getSimpleName());
        }
        if (!c.latentActivation().equals("none")) {
            throw new InvalidInputException("--model vae has a Gaussian code (mean and log-variance); --latent-activation must be none, got "
                    + c.latentActivation());
        }
        if (c.noise() != null) {
            throw new InvalidInputException("--noise is not supported with --model vae (use --binarize dynamic for fresh inputs each epoch)");
        }
        if (c.penalty() != null) {
            throw new InvalidInputException("--model vae takes no penalty");
        }
        if (!v.binarize().equals("none") && !c.loss().equals("bce")) {
            throw new InvalidInputException("--binarize " + v.binarize() + " is for the Bernoulli decoder (--loss bce)");
        }
        if (c.loss().equals("bce") && (v.sigma() != null || v.learnSigma())) {
            throw new InvalidInputException("--sigma is for the Gaussian decoder (--loss mse); --loss bce has a Bernoulli decoder");
        }
        return v;
    }

    @Override
    public LatentLayer latent(ModelConfig config) {
        return new GaussianLatent();
    }

    @Override
    public Objective objective(ModelConfig c) {
        VaeConfig v = c.options(VaeConfig.class) != null ? c.options(VaeConfig.class) : VaeConfig.DEFAULT;
        return new VaeObjective(c, DecoderLikelihood.of(new ReconstructionLoss(c.loss(), c.output()), v.fixedSigma(), v.learnSigma()));
    }

    @Override
    public java.util.Map<String, Object> evaluationMetrics(dev.bottleneck.model.Autoencoder model, ai.djl.ndarray.NDArray test,
                                                         String testName, long seed) {
        return dev.bottleneck.app.VaeReport.metrics(model, test, testName, seed, null, null);
    }

    @Override
    public String lossLabel(ModelConfig c) {
        VaeConfig v = c.options(VaeConfig.class);
        return (v != null && v.iwSamples() > 1 ? "-IWAE bound" : "-ELBO") + ", nats per example";
    }

    @Override
    public String describeCode(ModelConfig config) {
        return "Gaussian (mean and log-variance)";
    }

    private static double number(String option, String v, String what) {
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException(option + " must be " + what + ", got '" + v + "'");
        }
    }

    private static int integer(String option, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException(option + " must be a whole number, got '" + v + "'");
        }
    }

    @Override
    public String toString() {
        return name().toUpperCase(Locale.ROOT);
    }
}
