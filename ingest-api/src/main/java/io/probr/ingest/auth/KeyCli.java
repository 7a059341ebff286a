package io.probr.ingest.auth;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Manages the key file: {@code create} makes a key and prints it once (only its hash is kept),
 * {@code revoke} revokes one, {@code site} enables or disables a site. A running edge picks changes up
 * without a restart.
 */
public final class KeyCli {
    private static final String USAGE = """
            usage: probr key create --file FILE --site SITE [--container GTM-XXX]... [--rate N] [--burst N] [--label TEXT]
                   probr key revoke --file FILE --id KEY_ID
                   probr key site   --file FILE --site SITE --enabled true|false""";

    private KeyCli() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        KeyFile file = KeyFile.read(options.file());
        switch (args[0]) {
            case "create" -> {
                String key = new KeyCodec().newKey();
                String id = KeyCodec.idOf(key).orElseThrow();
                file.withKey(new KeyFile.Entry(id, HexFormat.of().formatHex(KeyCodec.sha256(key)),
                        options.require("site", options.site()), false, options.containers(), options.rate(),
                        options.burst(), Instant.now().toString(), options.label())).write(options.file());
                err.println("key " + id + " created for site " + options.site() + "; it is shown only once:");
                out.println(key);
            }
            case "revoke" -> {
                String id = options.require("id", options.id());
                if (file.keys().stream().noneMatch(k -> k.id().equals(id))) {
                    err.println("no key with id " + id + " in " + options.file());
                    return 1;
                }
                file.revoked(id).write(options.file());
                err.println("key " + id + " revoked");
            }
            case "site" -> {
                String site = options.require("site", options.site());
                boolean enabled = Boolean.parseBoolean(options.require("enabled", options.enabled()));
                file.withSite(site, enabled).write(options.file());
                err.println("site " + site + (enabled ? " enabled" : " disabled"));
            }
            default -> {
                err.println("unknown command: " + args[0]);
                err.println(USAGE);
                return 2;
            }
        }
        return 0;
    }

    private record Options(Path file, String site, String id, String enabled, List<String> containers,
                           Double rate, Integer burst, String label) {

        static Options parse(String[] args) {
            Path file = null;
            String site = null, id = null, enabled = null, label = null;
            Double rate = null;
            Integer burst = null;
            List<String> containers = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + " needs a value");
                }
                String value = args[++i];
                switch (flag) {
                    case "--file" -> file = Path.of(value);
                    case "--site" -> site = value;
                    case "--id" -> id = value;
                    case "--enabled" -> enabled = value;
                    case "--container" -> containers.add(value);
                    case "--rate" -> rate = Double.parseDouble(value);
                    case "--burst" -> burst = Integer.parseInt(value);
                    case "--label" -> label = value;
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            if (file == null) {
                throw new IllegalArgumentException("--file is required");
            }
            return new Options(file, site, id, enabled, containers.isEmpty() ? null : containers, rate, burst, label);
        }

        String require(String name, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("--" + name + " is required");
            }
            return value;
        }
    }
}
