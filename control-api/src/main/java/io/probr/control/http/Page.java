package io.probr.control.http;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code limit} (default 100, at most 1000) and {@code offset} of a list request, and the list's answer. */
public record Page(int limit, int offset) {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;
    /** Deeper pages are refused: an offset makes ClickHouse read and skip every row before it. */
    public static final int MAX_OFFSET = 100_000;

    public static Page of(Context ctx) {
        return new Page(Queries.integer(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
                Queries.integer(ctx, "offset", 0, 0, MAX_OFFSET));
    }

    /** The page of an in-memory list. */
    public <T> Map<String, Object> of(List<T> all) {
        List<T> slice = all.subList(Math.min(offset, all.size()), Math.min(offset + limit, all.size()));
        return answer(slice, offset + limit < all.size());
    }

    /** {@code items} fetched with one row more than the limit, so whether there is a next page is known. */
    public <T> Map<String, Object> ofFetched(List<T> itemsPlusOne) {
        boolean more = itemsPlusOne.size() > limit;
        return answer(more ? itemsPlusOne.subList(0, limit) : itemsPlusOne, more);
    }

    private Map<String, Object> answer(List<?> data, boolean more) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", data);
        body.put("limit", limit);
        body.put("offset", offset);
        body.put("next", more ? offset + limit : null);
        return body;
    }
}
