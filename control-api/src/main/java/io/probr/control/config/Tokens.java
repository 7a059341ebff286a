package io.probr.control.config;

import io.probr.control.http.ApiError;
import io.probr.control.http.JsonBody;
import io.probr.schemas.config.AdminToken;
import io.probr.schemas.config.ConfigConflictException;
import io.probr.schemas.config.ConfigKind;
import io.probr.schemas.config.ConfigView;
import io.probr.schemas.config.ConfigWriter;
import io.probr.schemas.config.KeyCodec;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** Admin tokens of the {@code /v1} API: created (shown once), listed, deleted, and rotated by their holder. */
public final class Tokens {
    public static final Set<String> CREATE_FIELDS = Set.of("label", "read_only");

    private final ConfigView view;
    private final ConfigWriter writer;
    private final Clock clock;
    private final KeyCodec codec = KeyCodec.forAdminTokens();

    public Tokens(ConfigView view, ConfigWriter writer, Clock clock) {
        this.view = view;
        this.writer = writer;
        this.clock = clock;
    }

    /** Whether tokens can be checked: a view that stopped following could keep a deleted token alive. */
    public boolean available() {
        return view.isLoaded();
    }

    /** The token a request presents, if it is one in force. */
    public Optional<AdminToken> authenticate(String presented) {
        return codec.idOf(presented)
                .flatMap(id -> view.get(ConfigKind.ADMIN_TOKEN, id, AdminToken.class))
                .filter(token -> token.accepts(presented));
    }

    public List<Map<String, Object>> list() {
        return view.all(ConfigKind.ADMIN_TOKEN, AdminToken.class).stream().map(Tokens::describe).toList();
    }

    public Map<String, Object> create(JsonBody body) throws ConfigConflictException, InterruptedException {
        return create(body.string("label", 200, Validation.LABEL, Validation.LABEL_HINT).orElse(null),
                body.bool("read_only").orElse(false));
    }

    public Map<String, Object> create(String label, boolean readOnly) throws ConfigConflictException,
            InterruptedException {
        String secret = codec.newKey();
        AdminToken token = writer.put(new AdminToken(codec.idOf(secret).orElseThrow(), KeyCodec.sha256Hex(secret),
                label, readOnly, clock.instant().toString(), null, 1), OptionalLong.empty());
        return withSecret(token, secret);
    }

    public void delete(String id) throws ConfigConflictException, InterruptedException {
        AdminToken token = view.get(ConfigKind.ADMIN_TOKEN, id, AdminToken.class)
                .orElseThrow(() -> ApiError.notFound("token " + id));
        writer.delete(token.key(), token.version());
    }

    /** A new secret for the calling token; the one it presented stops working at once. */
    public Map<String, Object> rotate(AdminToken caller) throws ConfigConflictException, InterruptedException {
        String secret = codec.newKey(caller.id());
        AdminToken rotated = writer.put(new AdminToken(caller.id(), KeyCodec.sha256Hex(secret), caller.label(),
                caller.readOnly(), caller.createdAt(), clock.instant().toString(), caller.version() + 1),
                OptionalLong.of(caller.version()));
        return withSecret(rotated, secret);
    }

    private static Map<String, Object> withSecret(AdminToken token, String secret) {
        Map<String, Object> answer = describe(token);
        answer.put("token", secret);
        return answer;
    }

    private static Map<String, Object> describe(AdminToken token) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", token.id());
        out.put("label", token.label());
        out.put("read_only", token.readOnly());
        out.put("created_at", token.createdAt());
        out.put("rotated_at", token.rotatedAt());
        out.put("version", token.version());
        return out;
    }
}
