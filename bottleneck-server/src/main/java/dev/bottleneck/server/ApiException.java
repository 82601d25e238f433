package dev.bottleneck.server;

/**
 * A request the server refuses, with the HTTP status to answer and a message for the client. The
 * server turns it into {@code {"error": message}} with that status; nothing else is logged.
 */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param status the HTTP status: 400 bad input, 401 missing or wrong token, 404 unknown model or
     *     path, 405 wrong method, 413 body too large
     * @param message what is wrong and how to fix it, one line
     */
    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** @return the HTTP status */
    public int status() {
        return status;
    }

    /**
     * @param message what is wrong with the input
     * @return a 400 error
     */
    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }
}
