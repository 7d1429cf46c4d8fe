package dev.sqlrl.sql;

import java.math.BigDecimal;
import java.util.List;

/**
 * How Python sees result values, for reproducing the official Spider and BIRD evaluators, which
 * compare the Python objects that its sqlite3 module returns: int, float, str, bytes, None.
 * Python's == treats 1 and 1.0 as equal (exactly, without rounding the int) but 1 and '1' as
 * different, and its str() of a float is the shortest repr that round-trips.
 */
public final class PythonValues {
    private static final double TWO_POW_63 = 0x1p63;

    private PythonValues() {}

    /** Python's {@code a == b} for normalized result values. */
    public static boolean equal(Object a, Object b) {
        if (a == null || b == null) return a == b;
        if (a instanceof Long x && b instanceof Long y) return x.longValue() == y.longValue();
        if (a instanceof Double x && b instanceof Double y) return x.doubleValue() == y.doubleValue();
        if (a instanceof Long x && b instanceof Double y) return intEqualsFloat(x, y);
        if (a instanceof Double x && b instanceof Long y) return intEqualsFloat(y, x);
        return a.equals(b);
    }

    /** A hash consistent with {@link #equal}: an integral float hashes like the int it equals. */
    public static int hash(Object value) {
        if (value == null) return 0;
        if (value instanceof Double d && isIntegralInLongRange(d)) return Long.hashCode(d.longValue());
        return value.hashCode();
    }

    /** Python's {@code str(value) + str(type(value))}: the key by which the evaluator sorts the values of a row. */
    public static String sortKey(Object value) {
        return str(value) + typeName(value);
    }

    /** Python's {@code str(value)}. */
    public static String str(Object value) {
        if (value == null) return "None";
        if (value instanceof Double d) return floatRepr(d);
        if (value instanceof SqlBlob blob) return bytesRepr(blob);
        return value.toString();
    }

    static String typeName(Object value) {
        if (value == null) return "<class 'NoneType'>";
        if (value instanceof Long) return "<class 'int'>";
        if (value instanceof Double) return "<class 'float'>";
        if (value instanceof String) return "<class 'str'>";
        if (value instanceof SqlBlob) return "<class 'bytes'>";
        throw new IllegalArgumentException("not a normalized result value: " + value.getClass().getName());
    }

    /** Python's ordering of str: by code point (Java's compareTo orders by UTF-16 unit). */
    public static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) return Integer.compare(x, y);
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    /** Python's repr(float): shortest round-trip digits, exponent form below 1e-4 and from 1e16 on. */
    static String floatRepr(double value) {
        if (Double.isNaN(value)) return "nan";
        if (Double.isInfinite(value)) return value > 0 ? "inf" : "-inf";
        if (value == 0) return Double.doubleToRawLongBits(value) < 0 ? "-0.0" : "0.0";
        BigDecimal decimal = shortestDecimal(Math.abs(value));
        String digits = decimal.unscaledValue().toString();
        int point = digits.length() - decimal.scale(); // value = 0.digits * 10^point
        StringBuilder out = new StringBuilder(value < 0 ? "-" : "");
        if (point > -4 && point <= 16) {
            if (point <= 0) {
                out.append("0.").append("0".repeat(-point)).append(digits);
            } else if (point >= digits.length()) {
                out.append(digits).append("0".repeat(point - digits.length())).append(".0");
            } else {
                out.append(digits, 0, point).append('.').append(digits, point, digits.length());
            }
        } else {
            out.append(digits.charAt(0));
            if (digits.length() > 1) out.append('.').append(digits, 1, digits.length());
            int exponent = point - 1;
            out.append(exponent < 0 ? "e-" : "e+").append(Math.abs(exponent) < 10 ? "0" : "").append(Math.abs(exponent));
        }
        return out.toString();
    }

    /**
     * The shortest decimal that reads back as {@code positive}, the closest one if several. Double.toString
     * (JDK 19+) gives it, except that it never gives a single digit: 4.9E-324 where Python says 5e-324.
     */
    private static BigDecimal shortestDecimal(double positive) {
        BigDecimal decimal = new BigDecimal(Double.toString(positive)).stripTrailingZeros();
        if (decimal.precision() != 2) return decimal;
        BigDecimal exact = new BigDecimal(positive);
        BigDecimal best = null;
        for (java.math.RoundingMode mode : new java.math.RoundingMode[] {java.math.RoundingMode.FLOOR, java.math.RoundingMode.CEILING}) {
            BigDecimal candidate = decimal.round(new java.math.MathContext(1, mode));
            if (candidate.signum() > 0 && Double.parseDouble(candidate.toString()) == positive
                    && (best == null || candidate.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
                best = candidate;
            }
        }
        return best == null ? decimal : best.stripTrailingZeros();
    }

    /** Python's repr(bytes), e.g. b'a\x00'. */
    static String bytesRepr(SqlBlob blob) {
        boolean hasSingle = false;
        boolean hasDouble = false;
        for (int i = 0; i < blob.length(); i++) {
            hasSingle |= blob.byteAt(i) == '\'';
            hasDouble |= blob.byteAt(i) == '"';
        }
        char quote = hasSingle && !hasDouble ? '"' : '\'';
        StringBuilder out = new StringBuilder("b").append(quote);
        for (int i = 0; i < blob.length(); i++) {
            int b = blob.byteAt(i) & 0xff;
            if (b == quote || b == '\\') out.append('\\').append((char) b);
            else if (b == '\t') out.append("\\t");
            else if (b == '\n') out.append("\\n");
            else if (b == '\r') out.append("\\r");
            else if (b < 0x20 || b >= 0x7f) out.append(String.format("\\x%02x", b));
            else out.append((char) b);
        }
        return out.append(quote).toString();
    }

    private static boolean intEqualsFloat(long integer, double floating) {
        return isIntegralInLongRange(floating) && (long) floating == integer;
    }

    private static boolean isIntegralInLongRange(double d) {
        return d == Math.rint(d) && d >= -TWO_POW_63 && d < TWO_POW_63;
    }

    /** A row as a Python tuple: equality and hashing by {@link #equal} and {@link #hash}. */
    public record Tuple(List<Object> values) {
        @Override
        public boolean equals(Object other) {
            if (!(other instanceof Tuple tuple) || tuple.values.size() != values.size()) return false;
            for (int i = 0; i < values.size(); i++) {
                if (!equal(values.get(i), tuple.values.get(i))) return false;
            }
            return true;
        }

        @Override
        public int hashCode() {
            int h = 1;
            for (Object value : values) h = 31 * h + hash(value);
            return h;
        }
    }
}
