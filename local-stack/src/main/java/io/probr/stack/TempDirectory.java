package io.probr.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removes a temporary directory: the one a shared test server lived in once it has stopped, a benchmark's. */
public final class TempDirectory {
    private TempDirectory() {
    }

    /** Deletes the directory and everything in it (a stopped ClickHouse leaves ~10 MB, a broker ~1.5 MB). */
    public static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }
}
