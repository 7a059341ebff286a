package io.probr.sink.clickhouse;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A column an INSERT writes: its name and its ClickHouse type, spelled as {@code system.columns} gives it (an
 * integration test holds the two to the tables). The type decides how {@link RowBinaryRow} encodes a value, so
 * a binder cannot write a UInt16 as eight bytes, nor a status under another code than the table's Enum8.
 */
public final class Column {
    /** How the values of a type go on the wire. */
    enum Kind { UUID, STRING, UINT, NULLABLE_UINT, STRINGS, UINTS, ENUM8 }

    private static final Pattern UNSIGNED = Pattern.compile("UInt(8|16|32|64)");
    private static final Pattern ENUM_VALUE = Pattern.compile("'((?:[^'\\\\]|\\\\.)*)' = (-?\\d+)");

    private final String name;
    private final String type;
    private final Kind kind;
    private final int bytes;
    private final Map<String, Byte> enumCodes = new HashMap<>();

    private Column(String name, String type) {
        this.name = name;
        this.type = type;
        String inner = unwrap(type, "Nullable(", unwrap(type, "Array(", type));
        this.bytes = unsignedBytes(inner);
        if (type.equals("UUID")) {
            kind = Kind.UUID;
        } else if (type.equals("String")) {
            kind = Kind.STRING;
        } else if (type.equals("Array(String)")) {
            kind = Kind.STRINGS;
        } else if (type.startsWith("Enum8(")) {
            kind = Kind.ENUM8;
            Matcher value = ENUM_VALUE.matcher(type);
            while (value.find()) {
                enumCodes.put(value.group(1), Byte.parseByte(value.group(2)));
            }
        } else if (bytes > 0) {
            kind = type.startsWith("Nullable(") ? Kind.NULLABLE_UINT : type.startsWith("Array(") ? Kind.UINTS : Kind.UINT;
        } else {
            throw new IllegalArgumentException("column " + name + ": the sink does not write type " + type);
        }
    }

    public static Column of(String name, String type) {
        return new Column(name, type);
    }

    public String name() {
        return name;
    }

    public String type() {
        return type;
    }

    Kind kind() {
        return kind;
    }

    /** Width of an unsigned integer, alone, nullable or in an array. */
    int bytes() {
        return bytes;
    }

    byte enumCode(String value) {
        Byte code = enumCodes.get(value);
        if (code == null) {
            throw new IllegalArgumentException("column " + name + " (" + type + ") has no value '" + value + "'");
        }
        return code;
    }

    private static String unwrap(String type, String wrapper, String otherwise) {
        return type.startsWith(wrapper) && type.endsWith(")")
                ? type.substring(wrapper.length(), type.length() - 1) : otherwise;
    }

    private static int unsignedBytes(String type) {
        Matcher unsigned = UNSIGNED.matcher(type);
        return unsigned.matches() ? Integer.parseInt(unsigned.group(1)) / 8 : 0;
    }

    @Override
    public String toString() {
        return name + " " + type;
    }
}
