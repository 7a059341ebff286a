package io.probr.sink.clickhouse;

import com.clickhouse.client.api.ServerException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells an error about the rows sent (a value ClickHouse cannot parse or store, a constraint or {@code throwIf}
 * refusing it) from every other error (unreachable, overloaded, a timeout, a missing table or column, a denied
 * user), which a retry may fix. Only the first kind is worth isolating a record for.
 */
public final class ClickHouseErrors {
    /** ClickHouse's error codes (src/Common/ErrorCodes.cpp) that an INSERT answers for data it cannot take. */
    private static final Set<Integer> ROW_REFUSALS = Set.of(
            6,    // CANNOT_PARSE_TEXT
            26,   // CANNOT_PARSE_QUOTED_STRING
            27,   // CANNOT_PARSE_INPUT_ASSERTION_FAILED
            32,   // ATTEMPT_TO_READ_AFTER_EOF
            33,   // CANNOT_READ_ALL_DATA
            38,   // CANNOT_PARSE_DATE
            41,   // CANNOT_PARSE_DATETIME
            53,   // TYPE_MISMATCH
            69,   // ARGUMENT_OUT_OF_BOUND
            70,   // CANNOT_CONVERT_TYPE
            72,   // CANNOT_PARSE_NUMBER
            117,  // INCORRECT_DATA
            131,  // TOO_LARGE_STRING_SIZE
            321,  // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
            395,  // FUNCTION_THROW_IF_VALUE_IS_NON_ZERO
            469); // VIOLATED_CONSTRAINT
    /** 18.16 sends no X-ClickHouse-Exception-Code header: its code is only in the text ("Code: 395, e.displayText()"). */
    private static final Pattern CODE_IN_TEXT = Pattern.compile("Code: (\\d{1,5})[.,]");

    private ClickHouseErrors() {
    }

    /** ClickHouse's error code somewhere in the causes, or -1 when none is known (not reached, a timeout). */
    public static int code(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ServerException server && server.getCode() > 0) {
                return server.getCode();
            }
            Matcher code = CODE_IN_TEXT.matcher(String.valueOf(cause.getMessage()));
            if (code.find()) {
                return Integer.parseInt(code.group(1));
            }
        }
        return -1;
    }

    /** The server refused the data itself: sending the same rows again cannot succeed. */
    public static boolean refusesRows(Throwable error) {
        return ROW_REFUSALS.contains(code(error));
    }
}
