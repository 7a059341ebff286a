package io.probr.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Checks a webhook delivery with the Standard Webhooks specification's own reference library (the npm package
 * {@code standardwebhooks}, run by node), so the tests do not only agree with Probr's signing code. The package is
 * installed once per machine into a temporary directory (npm must be on the PATH: .ci/run installs it).
 */
public final class StandardWebhooksVerifier {
    private static final String VERSION = "1.0.0";
    private static final String SCRIPT = """
            const { Webhook } = require("standardwebhooks");
            let input = "";
            process.stdin.on("data", d => input += d).on("end", () => {
              const { secret, headers, body } = JSON.parse(input);
              try { new Webhook(secret).verify(body, headers); console.log("valid"); }
              catch (e) { console.log("invalid: " + e.message); process.exit(1); }
            });
            """;

    private final Path home;

    public StandardWebhooksVerifier() throws IOException, InterruptedException {
        home = Path.of(System.getProperty("java.io.tmpdir"), "probr-standardwebhooks-" + VERSION);
        if (!Files.isDirectory(home.resolve("node_modules/standardwebhooks"))) {
            Files.createDirectories(home);
            run(List.of("npm", "install", "--silent", "--no-save", "--no-package-lock", "--prefix", home.toString(),
                    "standardwebhooks@" + VERSION), "", 180);
        }
        Files.writeString(home.resolve("verify.js"), SCRIPT);
    }

    /** Whether the reference library accepts the delivery; its message when not. */
    public String verify(String secret, Map<String, String> headers, String body) throws IOException, InterruptedException {
        StringBuilder json = new StringBuilder("{\"secret\":").append(quote(secret)).append(",\"body\":")
                .append(quote(body)).append(",\"headers\":{");
        String separator = "";
        for (Map.Entry<String, String> header : headers.entrySet()) {
            json.append(separator).append(quote(header.getKey())).append(':').append(quote(header.getValue()));
            separator = ",";
        }
        json.append("}}");
        return run(List.of("node", home.resolve("verify.js").toString()), json.toString(), 30).strip();
    }

    private String run(List<String> command, String input, int timeoutSeconds) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(command + " still running after " + timeoutSeconds + " s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0 && command.get(0).equals("npm")) {
            throw new IOException("npm install standardwebhooks failed: " + output);
        }
        return output;
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
