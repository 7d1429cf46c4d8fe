package dev.sqlrl.serve;

/** Checks of request fields shared by the routes; each failure is a 400 naming the field. */
final class RequestChecks {
    private RequestChecks() {}

    static String requiredText(String value, String field, int maxChars) {
        if (value == null || value.isBlank()) throw ApiException.badRequest("'" + field + "' is required");
        return optionalText(value, field, maxChars);
    }

    static String optionalText(String value, String field, int maxChars) {
        if (value != null && value.length() > maxChars) {
            throw ApiException.badRequest("'" + field + "' is longer than " + maxChars + " characters (" + value.length() + ")");
        }
        return value;
    }

    static int count(Integer value, String field, int defaultValue, int max) {
        if (value == null) return defaultValue;
        if (value < 1 || value > max) throw ApiException.badRequest("'" + field + "' must be between 1 and " + max + ", got " + value);
        return value;
    }
}
