package dev.bottleneck;

/**
 * A failure while running Bottleneck that is not the user's fault: an I/O error while writing
 * results, a training run that diverged to NaN, a native library that failed to load.
 *
 * <p>The command-line tool prints {@link #getMessage()} as one line and exits with status 1. The
 * message names the file or step that failed and the problem, e.g. {@code
 * "runs/x/model.params: cannot write (No space left on device)"}. Non-printable characters in the
 * message (control bytes echoed from a binary file, line breaks) are escaped ({@link
 * Messages#printable}), so it stays one printable line.
 */
public class BottleneckException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a one-line message.
     *
     * @param message what failed and why, naming the file where there is one
     */
    public BottleneckException(String message) {
        super(Messages.printable(message));
    }

    /**
     * Creates an exception with a one-line message and its cause.
     *
     * @param message what failed and why, naming the file where there is one
     * @param cause the underlying exception (kept for {@code --verbose} stack traces)
     */
    public BottleneckException(String message, Throwable cause) {
        super(Messages.printable(message), cause);
    }
}
