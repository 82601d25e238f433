package dev.bottleneck;

/**
 * Makes text safe to put into a one-line error message: a cell, a header name or a token from a
 * user's file may hold any bytes, and a terminal that receives raw control bytes can be garbled
 * (or a message split over lines). Every message of {@link BottleneckException} goes through
 * {@link #printable}, and code that echoes file content cuts it with {@link #snippet}.
 *
 * <p>Escapes: {@code \n}, {@code \r}, {@code \t} as such; other C0 and C1 control characters
 * (U+0000 to U+001F, U+007F to U+009F) as {@code \xNN}; line and paragraph separators, format
 * characters (bidirectional overrides, zero-width joiners, a byte-order mark) and unpaired
 * surrogates as a backslash, {@code u} and four hex digits. Backslashes are kept as they are, so
 * the result is unchanged by a second pass. The replacement character U+FFFD (what undecodable
 * UTF-8 becomes) is kept.
 */
public final class Messages {

    private Messages() {}

    /**
     * @param text any text, or {@code null}
     * @return the text with every non-printable character escaped (see the class comment);
     *     {@code "null"} for {@code null}
     */
    public static String printable(String text) {
        if (text == null) {
            return "null";
        }
        int n = text.length();
        int i = 0;
        while (i < n && !needsEscape(text, i)) {
            i++;
        }
        if (i == n) {
            return text;
        }
        StringBuilder sb = new StringBuilder(n + 16).append(text, 0, i);
        for (; i < n; i++) {
            appendEscaped(sb, text, i);
        }
        return sb.toString();
    }

    /**
     * Cuts text for a message: non-printable characters escaped, at most {@code max} characters of
     * the original kept, then {@code "..."}.
     *
     * @param text any text (a cell, a header name, a token), or {@code null}
     * @param max the most characters of {@code text} kept, {@code >= 1}
     * @return the printable, shortened text
     */
    public static String snippet(String text, int max) {
        if (text == null) {
            return "null";
        }
        int n = Math.min(text.length(), max);
        if (n < text.length() && n > 0 && Character.isHighSurrogate(text.charAt(n - 1))) {
            n--; // do not cut a pair in two
        }
        StringBuilder sb = new StringBuilder(n + 8);
        for (int i = 0; i < n; i++) {
            appendEscaped(sb, text, i);
        }
        if (text.length() > n) {
            sb.append("...");
        }
        return sb.toString();
    }

    private static boolean needsEscape(String s, int i) {
        char c = s.charAt(i);
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
            return true;
        }
        if (c < 0x80) {
            return false;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
        }
        int type = Character.getType(c);
        return type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR || type == Character.FORMAT;
    }

    private static void appendEscaped(StringBuilder sb, String s, int i) {
        char c = s.charAt(i);
        if (!needsEscape(s, i)) {
            sb.append(c);
        } else if (c == '\n') {
            sb.append("\\n");
        } else if (c == '\r') {
            sb.append("\\r");
        } else if (c == '\t') {
            sb.append("\\t");
        } else if (c <= 0xff) {
            sb.append(String.format("\\x%02x", (int) c));
        } else {
            sb.append(String.format("\\u%04x", (int) c));
        }
    }
}
