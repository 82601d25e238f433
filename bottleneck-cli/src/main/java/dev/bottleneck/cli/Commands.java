package dev.bottleneck.cli;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.app.LoadedModel;

import java.nio.file.Path;

/** Checks the picture verbs share. */
final class Commands {

    private Commands() {}

    /**
     * @param lm the model
     * @param dir its directory, for the message
     * @param verb the verb, for the message
     * @throws InvalidInputException unless the model was trained on images with 1 or 3 channels
     */
    static void requireImages(LoadedModel lm, Path dir, String verb) {
        int[] s = lm.manifest().model().inputShape();
        if (!"image".equals(lm.manifest().input().kind()) || s.length != 3 || (s[0] != 1 && s[0] != 3)) {
            throw new InvalidInputException(dir, "was trained on " + ("image".equals(lm.manifest().input().kind()) ? "images with "
                    + s[0] + " channels" : "table rows") + "; " + verb + " draws images (use encode/decode for other data)");
        }
    }
}
