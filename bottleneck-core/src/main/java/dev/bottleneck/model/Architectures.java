package dev.bottleneck.model;

import dev.bottleneck.InvalidInputException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The registry of architectures by name ({@code mlp}, {@code conv}). */
public final class Architectures {

    private static final Map<String, Architecture> BY_NAME = new LinkedHashMap<>();

    static {
        register(new MlpArchitecture());
        register(new ConvArchitecture());
        register(new ConvGridArchitecture());
    }

    private Architectures() {}

    private static void register(Architecture a) {
        BY_NAME.put(a.name(), a);
    }

    /** @return the known architecture names, in registration order */
    public static Set<String> names() {
        return BY_NAME.keySet();
    }

    /**
     * @param name an architecture name
     * @throws InvalidInputException if it is unknown, listing the known ones
     */
    public static void require(String name) {
        if (!BY_NAME.containsKey(name)) {
            throw new InvalidInputException("unknown --arch '" + name + "' (known: " + String.join(", ", names()) + ")");
        }
    }

    /**
     * @param name an architecture name
     * @return the architecture
     * @throws InvalidInputException if it is unknown
     */
    public static Architecture get(String name) {
        require(name);
        return BY_NAME.get(name);
    }
}
