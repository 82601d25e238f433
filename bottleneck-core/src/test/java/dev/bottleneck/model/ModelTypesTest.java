package dev.bottleneck.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.io.Json;
import dev.bottleneck.latent.DeterministicLatent;
import dev.bottleneck.latent.LatentLayer;
import dev.bottleneck.model.vae.VaeConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Model types are plug-ins (issue 10): a type registered from outside the core builds, saves,
 * loads and trains like a built-in; its options round-trip through JSON with their kind; verbs see
 * its capabilities; files written before types had options still read.
 */
class ModelTypesTest {

    /** A user's options record. */
    public record ScaledOptions(@JsonProperty("scale") double scale) implements TypeOptions {
        @Override
        public String describe(ModelConfig config) {
            return "code scaled by " + scale;
        }
    }

    /** A user's type: a deterministic code multiplied by a constant. */
    static final class ScaledType implements ModelType {
        @Override
        public String name() {
            return "scaled-test";
        }

        @Override
        public String description() {
            return "test type: scaled code";
        }

        @Override
        public Capabilities capabilities() {
            return new Capabilities(false, false, false);
        }

        @Override
        public List<CliOption> cliOptions() {
            return List.of(new CliOption("--code-scale", "S", "scaled-test: the factor"));
        }

        @Override
        public TypeOptions options(Map<String, String> given, String loss) {
            return new ScaledOptions(Double.parseDouble(given.getOrDefault("--code-scale", "2")));
        }

        @Override
        public Class<? extends TypeOptions> optionsClass() {
            return ScaledOptions.class;
        }

        @Override
        public TypeOptions validate(ModelConfig config) {
            ScaledOptions o = config.options(ScaledOptions.class);
            if (o == null) {
                return new ScaledOptions(2);
            }
            if (!(o.scale() > 0)) {
                throw new InvalidInputException("--code-scale must be > 0, got " + o.scale());
            }
            return o;
        }

        @Override
        public LatentLayer latent(ModelConfig config) {
            return new DeterministicLatent("none");
        }
    }

    static {
        if (!ModelTypes.names().contains("scaled-test")) {
            ModelTypes.register(new ScaledType());
        }
    }

    @Test
    void aUserTypeBuildsSavesLoadsAndTrains() throws Exception {
        ModelConfig c = ModelConfig.builder().type("scaled-test").arch("mlp").inputShape(6).hidden(4).latent(2).build();
        assertThat(c.options(ScaledOptions.class)).isEqualTo(new ScaledOptions(2));
        String json = Json.MAPPER.writeValueAsString(c);
        assertThat(json).contains("\"kind\" : \"scaled-test\"");
        assertThat(Json.MAPPER.readValue(json, ModelConfig.class)).isEqualTo(c);
        try (Autoencoder ae = Autoencoder.create(c, 1); NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(0f, 1f, new Shape(8, 6));
            assertThat(ae.forward(x, true).loss().getFloat()).isFinite();
        }
        assertThat(ModelTypes.cliOptions()).containsKey("scaled-test");
        assertThatThrownBy(() -> ModelConfig.builder().type("scaled-test").options(new ScaledOptions(-1)).arch("mlp").inputShape(6).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("--code-scale");
    }

    @Test
    void optionsOfOneTypeAreRefusedByAnother() {
        assertThatThrownBy(() -> ModelConfig.builder().type("ae").options(new ScaledOptions(3)).arch("mlp").inputShape(6).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("options of --model scaled-test");
        assertThatThrownBy(() -> ModelConfig.builder().type("vae").options(new ScaledOptions(3)).arch("mlp").inputShape(6).build())
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void capabilitiesNotNamesDescribeTheTypes() {
        assertThat(ModelTypes.get("vae").capabilities().prior()).isTrue();
        assertThat(ModelTypes.get("vae").capabilities().likelihood()).isTrue();
        for (String t : List.of("ae", "dae", "cae", "sparse")) {
            assertThat(ModelTypes.get(t).capabilities()).isEqualTo(Capabilities.DETERMINISTIC);
        }
        assertThatThrownBy(() -> ModelTypes.get("vqvae2")).isInstanceOf(InvalidInputException.class).hasMessageContaining("known: ae, dae");
        assertThatThrownBy(() -> ModelTypes.register(new ScaledType())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already registered");
    }

    @Test
    void aModelJsonFromBeforeTypeOptionsReadsItsVaeSection() throws Exception {
        String old = "{\"version\":1,\"type\":\"vae\",\"arch\":\"mlp\",\"input_shape\":[4],\"latent\":2,\"hidden\":[3],\"channels\":[],"
                + "\"activation\":\"relu\",\"latent_activation\":\"none\",\"loss\":\"bce\",\"output\":\"sigmoid\",\"tied\":false,"
                + "\"vae\":{\"beta\":2.0,\"kl_warmup\":3,\"free_bits\":0.0,\"iw_samples\":1,\"binarize\":\"dynamic\",\"learn_sigma\":false}}";
        ModelConfig c = Json.MAPPER.readValue(old, ModelConfig.class);
        assertThat(c.options(VaeConfig.class)).isEqualTo(new VaeConfig(2, 3, 0, 1, "dynamic", null, false));
        assertThat(Json.MAPPER.writeValueAsString(c)).contains("\"options\"").doesNotContain("\"vae\" :");
        String plain = old.replace("\"type\":\"vae\"", "\"type\":\"ae\"").replaceAll(",\"vae\":\\{[^}]*}", "");
        assertThat(Json.MAPPER.readValue(plain, ModelConfig.class).options()).isNull();
    }

    @Test
    void fsqKeepsItsValuesInRangeWithAPenaltyTermByDefault() {
        ModelConfig c = ModelConfig.builder().type("fsq").arch("mlp").inputShape(6).hidden(4).latent(4).build();
        try (Autoencoder ae = Autoencoder.create(c, 1); NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(0f, 1f, new Shape(8, 6));
            ForwardOutput out = ae.forward(x, true);
            assertThat(out.terms()).containsKey("range_penalty");
            assertThat(out.terms().get("range_penalty").getFloat()).isPositive();
        }
        ModelConfig plain = ModelConfig.builder().type("fsq").options(new dev.bottleneck.model.fsq.FsqType.Options(new int[] {8, 5, 5, 5}, 0))
                .arch("mlp").inputShape(6).hidden(4).latent(4).build();
        try (Autoencoder ae = Autoencoder.create(plain, 1); NDManager m = NDManager.newBaseManager()) {
            assertThat(ae.forward(m.randomUniform(0f, 1f, new Shape(8, 6)), true).terms()).doesNotContainKey("range_penalty");
        }
        assertThatThrownBy(() -> new dev.bottleneck.model.fsq.FsqType.Options(new int[] {8}, -1))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("--fsq-range-penalty");
    }
}
