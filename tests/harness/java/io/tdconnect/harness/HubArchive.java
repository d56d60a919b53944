package io.tdconnect.harness;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Installs a component archive the way {@code confluent-hub install} does:
 * into {@code <pluginDir>/<owner>-<name>/}, stripping the archive's single top
 * directory {@code <owner>-<name>-<version>/}.
 */
public final class HubArchive {
  private HubArchive() {}

  /** Returns the installed component directory. */
  public static Path install(Path zip, Path pluginDir, String ownerAndName, String version)
      throws IOException {
    String top = ownerAndName + "-" + version + "/";
    Path target = pluginDir.resolve(ownerAndName);
    deleteRecursively(target);
    Files.createDirectories(target);
    try (ZipFile z = new ZipFile(zip.toFile())) {
      Enumeration<? extends ZipEntry> entries = z.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        if (!e.getName().startsWith(top)) {
          throw new IOException("archive entry outside " + top + ": " + e.getName());
        }
        String rel = e.getName().substring(top.length());
        if (rel.isEmpty()) {
          continue;
        }
        Path out = target.resolve(rel).normalize();
        if (!out.startsWith(target)) {
          throw new IOException("archive entry escapes the plugin directory: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(out);
        } else {
          Files.createDirectories(out.getParent());
          try (InputStream in = z.getInputStream(e)) {
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
    }
    return target;
  }

  public static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (java.util.stream.Stream<Path> walk = Files.walk(p)) {
      for (Path x : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(x);
      }
    }
  }
}
