package dev.bottleneck.model;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DatabindContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.jsontype.impl.TypeIdResolverBase;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.model.ae.PlainType;
import dev.bottleneck.model.cae.ContractiveType;
import dev.bottleneck.model.dae.DenoisingType;
import dev.bottleneck.model.sparse.SparseType;
import dev.bottleneck.model.vae.VaeType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The one registry of model types ({@link ModelType}): the built-ins, one line each, and any a
 * library user registers. Configs, the trainer and every verb find a type here by name and then
 * ask it, never the name, what it can do.
 *
 * <ul>
 *   <li>{@code ae}: plain autoencoder, linear code.
 *   <li>{@code dae}: denoising autoencoder (Vincent et al. 2008), default corruption {@code mask:0.25}.
 *   <li>{@code cae}: contractive autoencoder (Rifai et al. 2011), sigmoid code, {@code contractive:0.05}.
 *   <li>{@code sparse}: sparse autoencoder, sigmoid code, {@code kl:0.05:0.05}.
 *   <li>{@code vae}: variational autoencoder (Kingma and Welling 2014), options {@link dev.bottleneck.model.vae.VaeConfig}.
 *   <li>{@code binary}: K bits, straight-through Bernoulli samples.
 *   <li>{@code categorical}: one-hot codes by the Gumbel-softmax (Jang et al. 2017).
 *   <li>{@code vq}: VQ-VAE codebook (van den Oord et al. 2017).
 *   <li>{@code fsq}: finite scalar quantization (Mentzer et al. 2023).
 * </ul>
 */
public final class ModelTypes {

    private static final Map<String, ModelType> TYPES = Collections.synchronizedMap(new LinkedHashMap<>());

    static {
        register(new PlainType());
        register(new DenoisingType());
        register(new ContractiveType());
        register(new SparseType());
        register(new VaeType());
        register(new dev.bottleneck.model.binary.BinaryType());
        register(new dev.bottleneck.model.categorical.CategoricalType());
        register(new dev.bottleneck.model.vq.VqType());
        register(new dev.bottleneck.model.fsq.FsqType());
        register(new dev.bottleneck.model.codec.CodecType());
    }

    private ModelTypes() {}

    /**
     * Adds a model type; from then on configs of that type build, save, load and train.
     *
     * @param type the type, with a name not registered yet (lower case letters, digits, '-', '_')
     * @throws IllegalArgumentException if the name is taken or malformed, or its options' class
     *     is already used by another type
     */
    public static void register(ModelType type) {
        String n = type.name();
        if (n == null || !n.matches("[a-z][a-z0-9_-]*")) {
            throw new IllegalArgumentException("model type name must be lower-case letters, digits, '-' or '_': " + n);
        }
        synchronized (TYPES) {
            if (TYPES.containsKey(n)) {
                throw new IllegalArgumentException("model type '" + n + "' is already registered");
            }
            if (type.optionsClass() != null) {
                for (ModelType t : TYPES.values()) {
                    if (type.optionsClass().equals(t.optionsClass())) {
                        throw new IllegalArgumentException("options class " + type.optionsClass().getName() + " already belongs to " + t.name());
                    }
                }
            }
            TYPES.put(n, type);
        }
    }

    /** @return the registered type names, built-ins first */
    public static Set<String> names() {
        synchronized (TYPES) {
            return Collections.unmodifiableSet(new java.util.LinkedHashSet<>(TYPES.keySet()));
        }
    }

    /** @return the registered types, built-ins first */
    public static List<ModelType> all() {
        synchronized (TYPES) {
            return List.copyOf(TYPES.values());
        }
    }

    /**
     * @param name a type name, any case
     * @return the type
     * @throws InvalidInputException if no type has this name, listing the known ones
     */
    public static ModelType get(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        ModelType t = TYPES.get(n);
        if (t == null) {
            throw new InvalidInputException("unknown --model '" + name + "' (known: " + String.join(", ", names()) + ")");
        }
        return t;
    }

    /** @return all command-line options of all types, by type name */
    public static Map<String, List<ModelType.CliOption>> cliOptions() {
        Map<String, List<ModelType.CliOption>> m = new LinkedHashMap<>();
        for (ModelType t : all()) {
            if (!t.cliOptions().isEmpty()) {
                m.put(t.name(), new ArrayList<>(t.cliOptions()));
            }
        }
        return m;
    }

    /** Resolves the {@code "kind"} of a {@link TypeOptions} object to its record class through the registry. */
    public static final class OptionsIdResolver extends TypeIdResolverBase {

        @Override
        public String idFromValue(Object value) {
            return idFromValueAndType(value, value.getClass());
        }

        @Override
        public String idFromValueAndType(Object value, Class<?> suggestedType) {
            for (ModelType t : all()) {
                if (suggestedType.equals(t.optionsClass())) {
                    return t.name();
                }
            }
            throw new IllegalArgumentException("no registered model type has options of class " + suggestedType.getName());
        }

        @Override
        public JavaType typeFromId(DatabindContext context, String id) {
            ModelType t = TYPES.get(id);
            if (t == null || t.optionsClass() == null) {
                throw new IllegalArgumentException("unknown options kind '" + id + "' (known: " + kindsWithOptions() + ")");
            }
            return context.constructType(t.optionsClass());
        }

        @Override
        public JsonTypeInfo.Id getMechanism() {
            return JsonTypeInfo.Id.CUSTOM;
        }

        private static String kindsWithOptions() {
            List<String> k = new ArrayList<>();
            for (ModelType t : all()) {
                if (t.optionsClass() != null) {
                    k.add(t.name());
                }
            }
            return String.join(", ", k);
        }
    }
}
